import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { catalog } from '@kopfed/contracts';
import { SqliteEventStore } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import type { ServiceModule } from '@kopfed/service-kit';
import { memberModule } from '../module';
import { COOP, federation, person } from '../testing/federation';
import { DEATH_POLICY_CHECKPOINT } from './death';

const api = (path: string) => `/api/member/v1${path}`;
const clock = () => new Date('2026-08-01T03:00:00Z');

interface Membership {
  coopId: string;
  memberId: string;
}

describe('a death recorded in one coop ends the person’s memberships everywhere', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-deaths-'));
  const env = { KOPFED_MASTER_KEY: randomBytes(32).toString('base64') };
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  let published: Array<{ name: string; data: { memberId?: string } }> = [];

  /**
   * Listens to what the member service publishes as a consumer of the host, subscribed before
   * its relay starts: a listener subscribed after the fixture is up misses what the relay
   * publishes first (after a restart, the death recorded while the node was down).
   */
  const listener: ServiceModule = {
    name: 'listener',
    create: async () => ({
      definition: {
        service: 'listener',
        version: 'v1',
        title: 'test listener',
        description: 'What the member service publishes, for the test.',
        routes: [],
      },
      consumes: [
        {
          topic: catalog.topicOf('member'),
          group: 'test.listener',
          handler: (m) => {
            const event = catalog.fromEnvelope(JSON.parse(m.value));
            published.push({ name: event.name, data: event.data as { memberId?: string } });
          },
        },
      ],
    }),
  };
  const open = async () => {
    published = [];
    fixture = await hostFixture([memberModule, listener], { clock, env, dataDir });
  };
  const db = () => fixture.stores.get('member')!.database;
  const departuresRecorded = (memberId: string) =>
    (
      db()
        .prepare("SELECT count(*) AS n FROM events WHERE stream = ? AND type = 'MemberLeft'")
        .get(`member-${memberId}`) as { n: number }
    ).n;
  const member = (m: Membership, token = f.treasurerP) =>
    request(fixture.app)
      .get(api(`/coops/${m.coopId}/members/${m.memberId}`))
      .set(f.auth(token))
      .expect(200);
  const depart = (m: Membership, body: object) =>
    request(fixture.app)
      .post(api(`/coops/${m.coopId}/members/${m.memberId}/departure`))
      .set(f.auth(f.treasurerP))
      .send(body);
  const publishedLeft = (memberId: string) =>
    published.filter((p) => p.name === 'MemberLeft' && p.data.memberId === memberId);
  const until = async (done: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + 5_000;
    while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  /** Waits until the death policy has handled every departure recorded so far. */
  const policyCaughtUp = () =>
    until(() => {
      const last = db()
        .prepare("SELECT max(position) AS p FROM events WHERE type = 'MemberLeft'")
        .get() as { p: number };
      const at = db()
        .prepare('SELECT position FROM checkpoints WHERE name = ?')
        .get(DEATH_POLICY_CHECKPOINT) as { position: number } | undefined;
      return (at?.position ?? 0) >= last.p;
    });

  /** Person `n` joins coop A, then coop B under the same person id, from `joinedB`. */
  const memberOfBoth = async (n: number, joinedB = '2026-03-01') => {
    const a = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/members`))
      .set(f.auth(f.coopA))
      .send({ kind: 'person', memberNumber: `A-${n}`, joinedOn: '2026-02-01', person: person(n) })
      .expect(201);
    const b = await request(fixture.app)
      .post(api(`/coops/${COOP.B}/members`))
      .set(f.auth(f.treasurerP))
      .send({
        kind: 'person',
        memberNumber: `B-${n}`,
        joinedOn: joinedB,
        person: person(n),
        personId: a.body.personId,
      })
      .expect(201);
    expect(b.body.personId).toBe(a.body.personId);
    return {
      inA: { coopId: COOP.A, memberId: a.body.memberId as string },
      inB: { coopId: COOP.B, memberId: b.body.memberId as string },
    };
  };

  beforeAll(async () => {
    await open();
    f = await federation(fixture);
  });
  afterAll(async () => {
    await fixture.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends the other membership as deceased on the same day, published once', async () => {
    const { inA, inB } = await memberOfBoth(60);
    await depart(inA, { reason: 'deceased', leftOn: '2026-07-15' }).expect(200);
    expect((await member(inB)).body).toMatchObject({
      status: 'left',
      leftReason: 'deceased',
      leftOn: '2026-07-15',
    });
    await until(() => publishedLeft(inB.memberId).length > 0);
    await policyCaughtUp();
    await new Promise((r) => setTimeout(r, 100));
    expect(publishedLeft(inB.memberId).map((p) => p.data)).toEqual([
      { coopId: COOP.B, memberId: inB.memberId, reason: 'deceased', leftOn: '2026-07-15' },
    ]);
    expect(departuresRecorded(inB.memberId)).toBe(1);
    expect(departuresRecorded(inA.memberId)).toBe(1);
  });

  it('keeps a membership that had already ended as it ended', async () => {
    const { inA, inB } = await memberOfBoth(61);
    await depart(inB, { reason: 'resigned', leftOn: '2026-05-01' }).expect(200);
    const before = await member(inB);
    await depart(inA, { reason: 'deceased', leftOn: '2026-07-20' }).expect(200);
    await policyCaughtUp();
    const after = await member(inB);
    expect(after.body).toMatchObject({ leftReason: 'resigned', leftOn: '2026-05-01' });
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(departuresRecorded(inB.memberId)).toBe(1);
  });

  it('refuses a death dated before another membership began, changing nothing', async () => {
    const { inA, inB } = await memberOfBoth(62, '2026-04-01');
    const early = await depart(inA, { reason: 'deceased', leftOn: '2026-03-15' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({
      code: 'died_before_membership',
      errors: [{ pointer: '/leftOn' }],
    });
    expect((await member(inA)).body.status).toBe('active');
    expect((await member(inB)).body.status).toBe('active');
  });

  it('ends them when the coop’s sync reports the death, too', async () => {
    const synced = await request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({
        sequence: 1,
        items: [
          {
            externalId: 'AGT-63',
            memberNumber: 'S-63',
            kind: 'person',
            joinedOn: '2026-02-01',
            person: person(63),
          },
        ],
      })
      .expect(200);
    const inA = { coopId: COOP.A, memberId: synced.body.results[0].id as string };
    const { personId } = (await member(inA)).body;
    const b = await request(fixture.app)
      .post(api(`/coops/${COOP.B}/members`))
      .set(f.auth(f.treasurerP))
      .send({
        kind: 'person',
        memberNumber: 'B-63',
        joinedOn: '2026-03-01',
        person: person(63),
        personId,
      })
      .expect(201);
    const inB = { coopId: COOP.B, memberId: b.body.memberId as string };
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({
        sequence: 2,
        items: [
          {
            externalId: 'AGT-63',
            memberNumber: 'S-63',
            kind: 'person',
            joinedOn: '2026-02-01',
            person: person(63),
            left: { reason: 'deceased', leftOn: '2026-07-10' },
          },
        ],
      })
      .expect(200);
    await until(async () => (await member(inB)).body.status === 'left');
    expect((await member(inB)).body).toMatchObject({
      leftReason: 'deceased',
      leftOn: '2026-07-10',
    });
  });

  it('after a crash, ends what the death left active, and nothing twice when handed every death again', async () => {
    const { inA, inB } = await memberOfBoth(64);
    await policyCaughtUp();
    const departures = () =>
      (
        db().prepare("SELECT count(*) AS n FROM events WHERE type = 'MemberLeft'").get() as {
          n: number;
        }
      ).n;
    const recorded = departures();
    await fixture.close();

    const store = new SqliteEventStore({ file: join(dataDir, 'member.db') });
    // The process died after recording a death in coop A, before ending the membership in B…
    const revision = await store.streamRevision(`member-${inA.memberId}`);
    await store.append(
      `member-${inA.memberId}`,
      [
        {
          id: randomUUID(),
          type: 'MemberLeft',
          schemaVersion: 1,
          data: { coopId: COOP.A, reason: 'deceased', leftOn: '2026-07-25', movedToCoopId: null },
          metadata: { coopId: COOP.A },
        },
      ],
      { expectedRevision: revision! },
    );
    // …and the policy's checkpoint is lost: at the next start it is handed every death again.
    const at = await store.checkpoints.get(DEATH_POLICY_CHECKPOINT);
    expect(at).toBeGreaterThan(0);
    expect(await store.checkpoints.compareAndSet(DEATH_POLICY_CHECKPOINT, at, 0)).toBe(true);
    await store.close();

    await open();
    await until(() => departuresRecorded(inB.memberId) > 0);
    await policyCaughtUp();
    await until(() => publishedLeft(inB.memberId).length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect((await member(inB)).body).toMatchObject({
      status: 'left',
      leftReason: 'deceased',
      leftOn: '2026-07-25',
    });
    // The one death recorded meanwhile, and the one membership it ended: nothing else, once.
    expect(departures()).toBe(recorded + 2);
    expect(departuresRecorded(inB.memberId)).toBe(1);
    expect(published.filter((p) => p.name === 'MemberLeft').map((p) => p.data)).toEqual([
      { coopId: COOP.A, memberId: inA.memberId, reason: 'deceased', leftOn: '2026-07-25' },
      { coopId: COOP.B, memberId: inB.memberId, reason: 'deceased', leftOn: '2026-07-25' },
    ]);
  });
});
