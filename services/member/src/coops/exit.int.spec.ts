import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { catalog } from '@kopfed/contracts';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { streams } from '../stream-ids';
import { COOP, federation } from '../testing/federation';

const api = (path: string) => `/api/member/v1${path}`;
const clock = () => new Date('2026-08-01T03:00:00Z');

describe('a coop’s exit ends its membership of its parent', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const published: Array<{ name: string; data: unknown }> = [];
  const membersLeft = async (count: number) => {
    const deadline = Date.now() + 5_000;
    const left = () => published.filter((p) => p.name === 'MemberLeft');
    while (left().length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    return left().map((p) => p.data);
  };
  const memberships: Record<string, string> = {};
  const membership = (coopId: string) =>
    request(fixture.app)
      .get(api(`/coops/${COOP.P}/members/${memberships[coopId]}`))
      .set(f.auth(f.treasurerP))
      .expect(200);
  const coopMembersOn = async (asOf: string) =>
    (
      await request(fixture.app)
        .get(api(`/coops/${COOP.P}/statistics?asOf=${asOf}`))
        .set(f.auth(f.auditorP))
        .expect(200)
    ).body.members.coops as number;
  const exit = (coopId: string, body: object) =>
    request(fixture.app)
      .post(api(`/coops/${coopId}/exit`))
      .set(f.auth(f.treasurerP))
      .send(body);

  beforeAll(async () => {
    fixture = await hostFixture([memberModule], { clock });
    await fixture.bus.subscribe({
      topic: catalog.topicOf('member'),
      group: 'test.listener',
      handler: (m) => {
        const event = catalog.fromEnvelope(JSON.parse(m.value));
        published.push({ name: event.name, data: event.data });
      },
    });
    f = await federation(fixture);
    for (const coopId of [COOP.A, COOP.B]) {
      const joined = await request(fixture.app)
        .post(api(`/coops/${COOP.P}/members`))
        .set(f.auth(f.treasurerP))
        .send({
          kind: 'coop',
          memberNumber: `P-${coopId}`,
          joinedOn: '2026-02-03',
          memberCoopId: coopId,
        })
        .expect(201);
      memberships[coopId] = joined.body.memberId as string;
    }
  });
  afterAll(() => fixture.close());

  it('refuses an exit dated before the coop became a member, changing nothing', async () => {
    const early = await exit(COOP.A, { on: '2026-02-02', reason: 'members_resolution' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'exit_before_membership' });
    const coop = await request(fixture.app)
      .get(api(`/coops/${COOP.A}`))
      .set(f.auth(f.treasurerP))
      .expect(200);
    expect(coop.body.status).toBe('active');
    expect((await membership(COOP.A)).body.status).toBe('active');
  });

  it('ends the membership on the exit’s date, published once, and counts the coop no more', async () => {
    expect(await coopMembersOn('2026-08-01')).toBe(2);
    await exit(COOP.A, { on: '2026-07-31', reason: 'federation_decision' }).expect(200);
    const ended = await membership(COOP.A);
    expect(ended.body).toMatchObject({
      status: 'left',
      leftOn: '2026-07-31',
      leftReason: 'expelled',
    });
    expect(await membersLeft(1)).toEqual([
      { coopId: COOP.P, memberId: memberships[COOP.A], reason: 'expelled', leftOn: '2026-07-31' },
    ]);
    expect(await coopMembersOn('2026-07-30')).toBe(2);
    expect(await coopMembersOn('2026-08-01')).toBe(1);

    const again = await exit(COOP.A, { on: '2026-08-01', reason: 'other' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'coop_exited' });
    expect((await membership(COOP.A)).body).toEqual(ended.body);
    expect((await membership(COOP.A)).headers.etag).toBe(ended.headers.etag);
    await new Promise((r) => setTimeout(r, 200));
    expect(await membersLeft(1)).toHaveLength(1);
  });

  it('keeps a membership ended by hand before the exit as it ended', async () => {
    await request(fixture.app)
      .post(api(`/coops/${COOP.P}/members/${memberships[COOP.B]}/departure`))
      .set(f.auth(f.treasurerP))
      .send({ reason: 'resigned', leftOn: '2026-06-30' })
      .expect(200);
    await exit(COOP.B, { on: '2026-07-31', reason: 'dissolved' }).expect(200);
    expect((await membership(COOP.B)).body).toMatchObject({
      status: 'left',
      leftOn: '2026-06-30',
      leftReason: 'resigned',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await membersLeft(2)).toHaveLength(2);
    expect(await coopMembersOn('2026-08-01')).toBe(0);
  });

  it('lets the top coop, a member of none, exit', async () => {
    const res = await request(fixture.app)
      .post(api(`/coops/${COOP.P}/exit`))
      .set(f.auth(f.admin))
      .send({ on: '2026-08-01', reason: 'members_resolution' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('exited');
    await new Promise((r) => setTimeout(r, 200));
    expect(published.filter((p) => p.name === 'MemberLeft')).toHaveLength(2);
  });
});

describe('an exit whose membership did not end', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('ends it when the exit is retried, and at start when it was recorded by an earlier version or before a crash', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-exit-'));
    dirs.push(dataDir);
    const first = await hostFixture([memberModule], { clock, dataDir });
    const f = await federation(first);
    const memberIds: Record<string, string> = {};
    for (const coopId of [COOP.A, COOP.B]) {
      const joined = await request(first.app)
        .post(api(`/coops/${COOP.P}/members`))
        .set(f.auth(f.treasurerP))
        .send({ kind: 'coop', memberNumber: coopId, joinedOn: '2026-02-03', memberCoopId: coopId })
        .expect(201);
      memberIds[coopId] = joined.body.memberId as string;
    }
    // Each exit as an earlier version recorded it, or as a crash right after it left it.
    const store = first.stores.get('member')!;
    const exitedOn = async (coopId: string, effectiveOn: string, n: number) =>
      store.append(
        streams.coop(coopId),
        [
          {
            id: `0190f5a4-0000-7000-8000-00000000000${n}`,
            type: 'CoopStatusChanged',
            schemaVersion: 1,
            data: { from: 'active', to: 'exited', reason: 'merged', effectiveOn },
          },
        ],
        { expectedRevision: 1 },
      );
    const left = async (s: typeof store, coopId: string) =>
      (await s.readStream(streams.member(memberIds[coopId]!)))
        .filter((e) => e.type === 'MemberLeft')
        .map((e) => e.data);
    await exitedOn(COOP.A, '2026-07-10', 1);
    await exitedOn(COOP.B, '2026-07-15', 2);
    const retried = await request(first.app)
      .post(api(`/coops/${COOP.A}/exit`))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-07-10', reason: 'merged' });
    expect(retried.status).toBe(409);
    expect(retried.body).toMatchObject({ code: 'coop_exited' });
    expect(await left(store, COOP.A)).toEqual([
      { coopId: COOP.P, reason: 'resigned', leftOn: '2026-07-10', movedToCoopId: null },
    ]);
    expect(await left(store, COOP.B)).toEqual([]);
    await first.close();

    const second = await hostFixture([memberModule], { clock, dataDir });
    try {
      const restarted = second.stores.get('member')!;
      expect(await left(restarted, COOP.B)).toEqual([
        { coopId: COOP.P, reason: 'resigned', leftOn: '2026-07-15', movedToCoopId: null },
      ]);
      expect(await left(restarted, COOP.A)).toHaveLength(1);
      const treasurerP = await second.key('treasurer', COOP.P);
      const member = await request(second.app)
        .get(api(`/coops/${COOP.P}/members/${memberIds[COOP.B]}`))
        .set({ Authorization: `Bearer ${treasurerP}` })
        .expect(200);
      expect(member.body).toMatchObject({ status: 'left', leftOn: '2026-07-15' });
    } finally {
      await second.close();
    }
    // A second start ends nothing twice.
    const third = await hostFixture([memberModule], { clock, dataDir });
    try {
      const restarted = third.stores.get('member')!;
      expect(await left(restarted, COOP.A)).toHaveLength(1);
      expect(await left(restarted, COOP.B)).toHaveLength(1);
    } finally {
      await third.close();
    }
  });
});
