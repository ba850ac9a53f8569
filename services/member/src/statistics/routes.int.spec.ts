import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SqliteEventStore } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { SqliteProjection } from '@kopfed/messaging';
import { loadMasterKey } from '../config';
import { coopProjection } from '../coops/coop-projection';
import { directoryProjection } from '../members/directory-projection';
import { memberModule } from '../module';
import { SqliteKeyStore } from '../persons/key-store';
import { PersonVault } from '../persons/person-vault';
import { COOP, federation, memberItems } from '../testing/federation';
import { statistics, UNKNOWN_BUCKET, type OpenBucket } from './statistics';

type Count = { key: string; count: number };
type Statistics = ReturnType<typeof statistics>;
const sum = (counts: Count[]) => counts.reduce((n, c) => n + c.count, 0);
const keyed = (counts: Count[]) => Object.fromEntries(counts.map((c) => [c.key, c.count]));

describe('statistics for the command center, as of a business date', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  let now = new Date('2026-08-01T03:00:00Z');
  const api = (path: string) => `/api/member/v1${path}`;
  const stats = (asOf?: string) =>
    request(fixture.app)
      .get(api(`/coops/${COOP.P}/statistics${asOf ? `?asOf=${asOf}` : ''}`))
      .set(f.auth(f.auditorP));

  beforeAll(async () => {
    fixture = await hostFixture([memberModule], { clock: () => now });
    f = await federation(fixture);
    // Men are odd, women even. AGT-1, AGT-6 and AGT-9 joined in January 2025 (AGT-9 left
    // on 10 July 2026), AGT-2 joined in February 2026 and left at the end of May, AGT-3,
    // AGT-4 and AGT-7 joined on 1 July 2026.
    const items = memberItems(1, 9);
    const item = (n: number, changes: object = {}) => ({ ...items[n - 1]!, ...changes });
    const leftOn = (date: string) => ({ left: { reason: 'resigned', leftOn: date } });
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/member-batches`))
      .set(f.auth(f.coopA))
      .send({
        sequence: 1,
        items: [
          item(1),
          item(6),
          item(9, leftOn('2026-07-10')),
          item(2, { joinedOn: '2026-02-01', ...leftOn('2026-05-31') }),
          ...[3, 4, 7].map((n) => item(n, { joinedOn: '2026-07-01' })),
        ],
      })
      .expect(200);
    // A held its 2024 and 2025 RATs in time, P held 2025's late, B none.
    const rat = (coopId: string, financialYear: number, heldOn: string) =>
      request(fixture.app)
        .post(api(`/coops/${coopId}/rats`))
        .set(f.auth(f.admin))
        .send({ financialYear, heldOn })
        .expect(200);
    await rat(COOP.A, 2024, '2025-04-01');
    await rat(COOP.A, 2025, '2026-03-15');
    await rat(COOP.P, 2024, '2025-04-01');
    await rat(COOP.P, 2025, '2026-07-20');
    await request(fixture.app)
      .post(api(`/coops/${COOP.B}/suspension`))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-07-01', reason: 'rat_not_held' })
      .expect(200);
  });
  afterAll(() => fixture.close());

  it('counts nothing before the coops were registered', async () => {
    const res = await stats('2025-12-31').expect(200);
    expect(res.body).toMatchObject({
      asOf: '2025-12-31',
      coops: { total: 0, byStatus: [] },
      members: { total: 0, byGender: [], byAgeBand: [] },
      rat: { activeCoops: 0, overdue: 0 },
    });
  });

  it('counts the coops, members and RATs of a past date, not today’s', async () => {
    const april = (await stats('2026-04-30').expect(200)).body;
    expect(april.coops).toMatchObject({ total: 3, byStatus: [{ key: 'active', count: 3 }] });
    expect(april.members).toMatchObject({ total: 4, persons: 4 });
    expect(keyed(april.members.byGender)).toEqual({ female: 2, male: 2 });
    expect(sum(april.members.byAgeBand)).toBe(4);
    // Until 30 June 2026 the RAT due is 2024's: B never held it.
    expect(april.rat).toEqual({ activeCoops: 3, compliant: 2, overdue: 1 });

    const early = (await stats('2026-07-05').expect(200)).body;
    expect(early.members).toMatchObject({ total: 6, persons: 6 });
    expect(keyed(early.members.byGender)).toEqual({ female: 2, male: 4 });

    const july = (await stats('2026-07-15').expect(200)).body;
    expect(keyed(july.coops.byStatus)).toEqual({ active: 2, suspended: 1 });
    expect(july.members).toMatchObject({ total: 5, persons: 5 });
    expect(keyed(july.members.byGender)).toEqual({ female: 2, male: 3 });
    // 2025's RAT is due now: A held it in March, P not yet on 15 July, but by 25 July.
    expect(july.rat).toEqual({ activeCoops: 2, compliant: 1, overdue: 1 });
    const later = (await stats('2026-07-25').expect(200)).body;
    expect(later.rat).toEqual({ activeCoops: 2, compliant: 2, overdue: 0 });

    const march = (await stats('2026-03-01').expect(200)).body;
    expect(march.members.total).toBe(4);
  });

  it('counts today, on the Jakarta business date, by default', async () => {
    now = new Date('2026-06-30T17:30:00Z'); // 1 July 00:30 in Jakarta
    const today = (await stats().expect(200)).body;
    expect(today.asOf).toBe('2026-07-01');
    expect(today.members).toMatchObject({ total: 6 });
    expect(keyed(today.coops.byStatus)).toEqual({ active: 2, suspended: 1 });
    now = new Date('2026-08-01T03:00:00Z');
  });

  it('refuses a date that has not begun in Jakarta', async () => {
    const res = await stats('2026-08-02');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'as_of_in_future' });
  });

  it('counts no member of a coop once it has exited, consolidated alike at every level', async () => {
    const of = (coopId: string | null, asOf: string) =>
      request(fixture.app)
        .get(
          api(
            coopId ? `/coops/${coopId}/statistics?asOf=${asOf}` : `/public/statistics?asOf=${asOf}`,
          ),
        )
        .set(f.auth(f.auditorP))
        .expect(200)
        .then((res) => res.body as Statistics);
    const before = await of(COOP.P, '2026-07-30');
    expect(before.members).toMatchObject({ total: 5, persons: 5 });
    await request(fixture.app)
      .post(api(`/coops/${COOP.A}/exit`))
      .set(f.auth(f.treasurerP))
      .send({ on: '2026-07-31', reason: 'dissolved' })
      .expect(200);

    // A's members counted while it was in the federation, not from the day it exited.
    expect(await of(COOP.P, '2026-07-30')).toEqual(before);
    const after = await of(COOP.P, '2026-07-31');
    expect(keyed(after.coops.byStatus)).toEqual({ active: 1, suspended: 1, exited: 1 });
    expect(after.members).toEqual({
      total: 0,
      persons: 0,
      coops: 0,
      byCoop: [],
      byProvince: [],
      byGender: [],
      byAgeBand: [],
    });
    expect((await of(COOP.A, '2026-08-01')).members.total).toBe(0);

    // Each total is the sum of its breakdowns, and a parent's the sum of its coops'.
    for (const asOf of ['2026-07-15', '2026-07-30', '2026-08-01']) {
      const [p, a, b, all] = await Promise.all([
        of(COOP.P, asOf),
        of(COOP.A, asOf),
        of(COOP.B, asOf),
        of(null, asOf),
      ]);
      for (const { members } of [p, a, b, all]) {
        expect(sum(members.byCoop)).toBe(members.total);
        for (const by of [members.byProvince, members.byGender, members.byAgeBand])
          expect(sum(by)).toBe(members.persons);
      }
      const own = keyed(p.members.byCoop)[COOP.P] ?? 0;
      expect(p.members.total).toBe(own + a.members.total + b.members.total);
      expect(all.members).toEqual(p.members);
    }
  });

  it('gives the same counts from read models rebuilt from the log', async () => {
    const dates = ['2026-04-30', '2026-07-15', '2026-07-30', '2026-08-01'];
    const served = await Promise.all(
      dates.map(async (asOf) => (await stats(asOf).expect(200)).body as Statistics),
    );
    const { dataDir } = fixture;
    const live = fixture.stores.get('member')!.database;
    live.pragma('wal_checkpoint(TRUNCATE)');
    const copyDir = mkdtempSync(join(tmpdir(), 'kopfed-statistics-'));
    copyFileSync(join(dataDir, 'member.db'), join(copyDir, 'member.db'));
    const replica = new SqliteEventStore({ file: join(copyDir, 'member.db') });
    const keys = new SqliteKeyStore(join(dataDir, 'member-keys.db'));
    try {
      const vault = new PersonVault(keys, loadMasterKey({}, join(dataDir, 'member-master.key')));
      for (const definition of [coopProjection, directoryProjection(vault)]) {
        const projection = new SqliteProjection(replica, definition);
        await projection.rebuild();
        await projection.stop();
      }
      const openBucket: OpenBucket = (personId, sealed) => {
        const data = vault.openTrusted(personId, sealed);
        if (data === 'erased') return UNKNOWN_BUCKET;
        const birthYear = Number(data.birthDate.slice(0, 4));
        return { province: data.address.province, gender: data.gender, birthYear };
      };
      const rebuilt = dates.map((asOf) =>
        JSON.parse(JSON.stringify(statistics(replica.database, COOP.P, asOf, openBucket))),
      );
      expect(rebuilt).toEqual(served);
    } finally {
      keys.close();
      await replica.close();
      rmSync(copyDir, { recursive: true, force: true });
    }
  });

  it('lists the public coop directory as of a past date', async () => {
    const res = await request(fixture.app).get(api('/public/coops?asOf=2026-04-30')).expect(200);
    const b = (res.body.coops as { coopId: string; status: string }[]).find(
      (c) => c.coopId === COOP.B,
    );
    expect(b).toMatchObject({ status: 'active' });
    const before = await request(fixture.app).get(api('/public/coops?asOf=2025-12-31')).expect(200);
    expect(before.body.coops).toEqual([]);
  });
});
