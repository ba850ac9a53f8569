import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { reserve } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { derivedId } from '../members/member-commands';
import { memberModule } from '../module';
import { COOP, federation, memberItems, person } from '../testing/federation';
import { asOlderDirectory } from '../testing/older-directory';

const membersDdl = (fixture: HostFixture) =>
  fixture.stores
    .get('member')!
    .database.prepare("SELECT sql FROM sqlite_master WHERE name = 'members'")
    .pluck()
    .get() as string;

/** A sync batch looks its members up in the directory; these are the cases it must not get wrong. */
describe('member batches and the directory they look members up in', () => {
  const batches = (coopId: string) => `/api/member/v1/coops/${coopId}/member-batches`;

  it('creates each member once when two batches bring the same members at once', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      const send = (sequence: number) =>
        request(fixture.app)
          .post(batches(COOP.A))
          .set(f.auth(f.coopA))
          .send({ sequence, items: memberItems(1, 50) })
          .expect(200);
      const [first, second] = await Promise.all([send(1), send(2)]);
      const counts = [first.body.counts, second.body.counts];
      expect(counts.map((c) => c.rejected)).toEqual([0, 0]);
      expect(counts[0].created + counts[1].created).toBe(50);
      expect(counts[0].unchanged + counts[1].unchanged).toBe(50);
      const members = fixture.stores
        .get('member')!
        .database.prepare('SELECT count(*) AS n FROM members WHERE coop_id = ?')
        .get(COOP.A);
      expect(members).toEqual({ n: 50 });
    } finally {
      await fixture.close();
    }
  });

  it('attaches one external id to a moved-in person when two batches bring it at once', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      const inA = await request(fixture.app)
        .post(batches(COOP.A))
        .set(f.auth(f.coopA))
        .send({ sequence: 1, items: memberItems(1, 1) })
        .expect(200);
      const moved = await request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.A}/members/${inA.body.results[0].id}/move`)
        .set(f.auth(f.treasurerP))
        .send({ toCoopId: COOP.B, toMemberNumber: 'B-1', on: '2026-07-01' })
        .expect(200);
      const item = { ...memberItems(1, 1)[0], externalId: 'KM-1', joinedOn: '2026-07-01' };
      const send = (sequence: number, externalId: string) =>
        request(fixture.app)
          .post(batches(COOP.B))
          .set(f.auth(f.coopB))
          .send({ sequence, items: [{ ...item, memberNumber: 'B-1', externalId }] })
          .expect(200);
      const same = await Promise.all([send(1, 'KM-1'), send(2, 'KM-1')]);
      expect(same.map((r) => r.body.results[0].status).sort()).toEqual(['unchanged', 'updated']);
      expect(same.map((r) => r.body.results[0].id)).toEqual([
        moved.body.to.memberId,
        moved.body.to.memberId,
      ]);
      const other = await send(3, 'KM-2');
      expect(other.body.results[0]).toMatchObject({ status: 'rejected' });
      const rows = fixture.stores
        .get('member')!
        .database.prepare('SELECT external_id FROM members WHERE coop_id = ?')
        .all(COOP.B);
      expect(rows).toEqual([{ external_id: 'KM-1' }]);
    } finally {
      await fixture.close();
    }
  });

  /** Person n joins A by sync and moves to B as B-n; B's membership, not yet known to B's sync. */
  const movedIntoB = async (
    fixture: HostFixture,
    f: Awaited<ReturnType<typeof federation>>,
    n: number,
  ) => {
    const inA = await request(fixture.app)
      .post(batches(COOP.A))
      .set(f.auth(f.coopA))
      .send({ sequence: n, items: memberItems(n, 1) })
      .expect(200);
    const moved = await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/members/${inA.body.results[0].id}/move`)
      .set(f.auth(f.treasurerP))
      .send({ toCoopId: COOP.B, toMemberNumber: `B-${n}`, on: '2026-07-01' })
      .expect(200);
    return moved.body.to.memberId as string;
  };
  /** Coop B's own item for the person moved in as B-n. */
  const itemOfB = (n: number, externalId: string) => ({
    ...memberItems(n, 1)[0],
    externalId,
    memberNumber: `B-${n}`,
    joinedOn: '2026-07-01',
  });
  const membersOfBWith = (fixture: HostFixture, externalId: string) =>
    fixture.stores
      .get('member')!
      .database.prepare('SELECT member_id FROM members WHERE coop_id = ? AND external_id = ?')
      .all(COOP.B, externalId);

  it('gives an external id to one member when a joining and a sync attaching it come at once', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      for (let n = 300; n < 305; n++) {
        await movedIntoB(fixture, f, n);
        const externalId = `KM-${n}`;
        const [joined, synced] = await Promise.all([
          request(fixture.app)
            .post(`/api/member/v1/coops/${COOP.B}/members`)
            .set(f.auth(f.coopB))
            .send({
              kind: 'person',
              memberNumber: `J-${n}`,
              externalId,
              joinedOn: '2026-07-02',
              person: person(n + 1_000),
            }),
          request(fixture.app)
            .post(batches(COOP.B))
            .set(f.auth(f.coopB))
            .send({ sequence: n, items: [itemOfB(n, externalId)] })
            .expect(200),
        ]);
        const result = synced.body.results[0];
        // Exactly one wins; the other is refused and changes nothing.
        if (joined.status === 201) expect(result).toMatchObject({ status: 'rejected' });
        else {
          expect(joined.status).toBe(409);
          expect(joined.body.code).toBe('duplicate_external_id');
          expect(result).toMatchObject({ status: 'updated' });
        }
        expect(membersOfBWith(fixture, externalId)).toHaveLength(1);
      }
    } finally {
      await fixture.close();
    }
  });

  it('attaches no external id a joining has claimed, and records nothing for it', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      const inB = await movedIntoB(fixture, f, 315);
      // A joining of KM-315 in flight: it holds the claim, its member not yet appended.
      const joining = derivedId(COOP.B, 'external', 'KM-315');
      const store = fixture.stores.get('member')!;
      await reserve(store, `externalid:${COOP.B}:KM-315`, joining);
      const before = await store.streamRevision(`member-${inB}`);
      const synced = await request(fixture.app)
        .post(batches(COOP.B))
        .set(f.auth(f.coopB))
        .send({ sequence: 1, items: [{ ...itemOfB(315, 'KM-315'), memberNumber: 'B-315a' }] })
        .expect(200);
      expect(synced.body.results[0]).toMatchObject({
        status: 'rejected',
        problem: { code: 'duplicate_external_id' },
      });
      expect(await store.streamRevision(`member-${inB}`)).toBe(before);
      // The number it named is still free.
      await request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.B}/members`)
        .set(f.auth(f.coopB))
        .send({
          kind: 'person',
          memberNumber: 'B-315a',
          joinedOn: '2026-07-02',
          person: person(1_315),
        })
        .expect(201);
    } finally {
      await fixture.close();
    }
  });

  it('keeps an external id attached before it was claimed to its member', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      const inB = await movedIntoB(fixture, f, 310);
      // Attached as the sync did before it claimed the id: the event alone, no claim.
      const store = fixture.stores.get('member')!;
      await store.append(
        `member-${inB}`,
        [
          {
            id: randomUUID(),
            type: 'ExternalIdAttached',
            schemaVersion: 1,
            data: { externalId: 'KM-310' },
            metadata: { coopId: COOP.B },
          },
        ],
        { expectedRevision: (await store.streamRevision(`member-${inB}`))! },
      );
      const joined = await request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.B}/members`)
        .set(f.auth(f.coopB))
        .send({
          kind: 'person',
          memberNumber: 'J-310',
          externalId: 'KM-310',
          joinedOn: '2026-07-02',
          person: person(1_310),
        })
        .expect(409);
      expect(joined.body.code).toBe('duplicate_external_id');
      const synced = await request(fixture.app)
        .post(batches(COOP.B))
        .set(f.auth(f.coopB))
        .send({ sequence: 1, items: [{ ...itemOfB(310, 'KM-310'), memberNumber: 'B-310a' }] })
        .expect(200);
      expect(synced.body.results[0]).toEqual({ externalId: 'KM-310', status: 'updated', id: inB });
      expect(membersOfBWith(fixture, 'KM-310')).toEqual([{ member_id: inB }]);
    } finally {
      await fixture.close();
    }
  });

  it('attaches no external id to a person moved in and then erased', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      const inB = await movedIntoB(fixture, f, 320);
      await request(fixture.app)
        .post(`/api/member/v1/coops/${COOP.B}/members/${inB}/erasure`)
        .set(f.auth(f.coopB))
        .expect(200);
      const store = fixture.stores.get('member')!;
      const before = await store.streamRevision(`member-${inB}`);
      // B's own system still has the person as they were.
      const synced = await request(fixture.app)
        .post(batches(COOP.B))
        .set(f.auth(f.coopB))
        .send({ sequence: 1, items: [{ ...itemOfB(320, 'KM-320'), memberNumber: 'B-320a' }] })
        .expect(200);
      expect(synced.body.results[0]).toMatchObject({
        status: 'rejected',
        problem: { code: 'person_erased' },
      });
      expect(await store.streamRevision(`member-${inB}`)).toBe(before);
      expect(membersOfBWith(fixture, 'KM-320')).toEqual([]);
    } finally {
      await fixture.close();
    }
  });

  it('refuses a new member whose person was erased, and makes no key for them', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      const externalId = 'AGT-ERASED';
      // The person id a sync of this external id derives, taken by a member joined by hand
      // and then erased. A join can no longer name a person who is not a member already, so
      // the history is written as a store kept before that rule holds it.
      const personId = derivedId(derivedId(COOP.A, 'external', externalId), 'person');
      const memberId = randomUUID();
      const store = fixture.stores.get('member')!;
      const event = (type: string, data: object) => ({
        id: randomUUID(),
        type,
        schemaVersion: 1,
        data,
        metadata: { coopId: COOP.A },
      });
      await store.append(
        `member-${memberId}`,
        [
          event('MemberJoined', {
            memberId,
            coopId: COOP.A,
            memberNumber: 'A-900',
            externalId: null,
            joinedOn: '2026-02-01',
            kind: 'person',
            personId,
          }),
        ],
        { expectedRevision: 'no_stream' },
      );
      await store.append(
        `person-${personId}`,
        [
          event('PersonErased', {
            personId,
            memberIds: [memberId],
            erasedAt: '2026-03-01T00:00:00.000Z',
            requestedBy: 'coop',
          }),
        ],
        { expectedRevision: 'no_stream' },
      );
      const res = await request(fixture.app)
        .post(batches(COOP.A))
        .set(f.auth(f.coopA))
        .send({
          sequence: 1,
          items: [{ ...memberItems(901, 1)[0], externalId }, ...memberItems(902, 1)],
        })
        .expect(200);
      expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
        'rejected',
        'created',
      ]);
      expect(res.body.results[0].problem.code).toBe('person_erased');
      const keys = new Database(join(fixture.dataDir, 'member-keys.db'), { readonly: true });
      expect(
        keys.prepare('SELECT count(*) AS n FROM person_keys WHERE person_id = ?').get(personId),
      ).toEqual({ n: 0 });
      keys.close();
    } finally {
      await fixture.close();
    }
  });

  it.each([
    ['kept without data hashes (rebuilt from the log)', false],
    ['written WITHOUT ROWID (copied into the rowid table)', true],
  ])(
    'starts on a directory %s with the same members, and a resent batch is still unchanged',
    async (_layout, withDataHash) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-member-directory-'));
      let fixture: HostFixture | undefined;
      try {
        fixture = await hostFixture([memberModule], { dataDir });
        const f = await federation(fixture);
        const send = (fx: HostFixture, token: string, sequence: number) =>
          request(fx.app)
            .post(batches(COOP.A))
            .set(f.auth(token))
            .send({ sequence, items: memberItems(1, 3) })
            .expect(200);
        const listed = async (fx: HostFixture, token: string) =>
          (
            await request(fx.app)
              .get(`/api/member/v1/coops/${COOP.A}/members?limit=10`)
              .set(f.auth(token))
              .expect(200)
          ).body as unknown;
        expect((await send(fixture, f.coopA, 1)).body.counts.created).toBe(3);
        const before = await listed(fixture, f.coopA);
        await fixture.close();
        fixture = undefined;
        const older = new Database(join(dataDir, 'member.db'));
        asOlderDirectory(older, withDataHash);
        older.close();

        fixture = await hostFixture([memberModule], { dataDir });
        expect(membersDdl(fixture)).not.toMatch(/WITHOUT ROWID/);
        const hashed = fixture.stores
          .get('member')!
          .database.prepare('SELECT count(data_hash) AS n FROM members WHERE coop_id = ?')
          .get(COOP.A);
        expect(hashed).toEqual({ n: 3 });
        const token = await fixture.key('coop', COOP.A);
        expect(await listed(fixture, token)).toEqual(before);
        const again = await send(fixture, token, 2);
        expect(again.body.counts).toMatchObject({ unchanged: 3, created: 0, updated: 0 });
      } finally {
        await fixture?.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
