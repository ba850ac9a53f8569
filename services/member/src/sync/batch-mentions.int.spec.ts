import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SqliteEventStore } from '@kopfed/eventstore';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { SqliteProjection } from '@kopfed/messaging';
import { memberModule } from '../module';
import { COOP, federation, memberItems } from '../testing/federation';
import { batchMentionProjection } from './batch-mentions';

/**
 * A batch that fills its gap late is superseded for every member a later batch named, whether
 * that batch changed the member or found it unchanged.
 */
describe('a late member batch after a later one named its members', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-mentions-'));
  let fixture: HostFixture;
  let coopA: string;
  const auth = () => ({ Authorization: `Bearer ${coopA}` });
  const post = (body: unknown) =>
    request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/member-batches`)
      .set(auth())
      .send(body as object);
  const find = async (externalId: string) =>
    (
      await request(fixture.app)
        .get(`/api/member/v1/coops/${COOP.A}/members?externalId=${externalId}`)
        .set(auth())
        .expect(200)
    ).body.items[0];

  beforeAll(async () => {
    fixture = await hostFixture([memberModule], { dataDir });
    coopA = (await federation(fixture)).coopA;
  });
  afterAll(async () => {
    await fixture.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the values a later batch confirmed unchanged', async () => {
    const [joined] = memberItems(500, 1);
    await post({ sequence: 1, items: [joined] }).expect(200);
    const typo = { ...joined!, memberNumber: 'S-500-TYPO' };
    const latest = await post({ sequence: 3, items: [joined] }).expect(200);
    expect(latest.body.results[0].status).toBe('unchanged');
    const late = await post({ sequence: 2, items: [typo, ...memberItems(501, 1)] }).expect(200);
    expect(late.body).toMatchObject({
      duplicateSequence: false,
      results: [
        { externalId: 'AGT-500', status: 'unchanged', id: latest.body.results[0].id },
        { externalId: 'AGT-501', status: 'created' },
      ],
    });
    expect((await find('AGT-500')).memberNumber).toBe('S-500');
    // The number the late item named was never taken from the coop.
    const other = { ...memberItems(502, 1)[0]!, memberNumber: 'S-500-TYPO' };
    expect((await post({ sequence: 4, items: [other] }).expect(200)).body.results[0].status).toBe(
      'created',
    );
  });

  it('answers a stale item of a member who left since unchanged, not member_left', async () => {
    const [joined] = memberItems(510, 1);
    await post({ sequence: 10, items: [joined] }).expect(200);
    const resigned = { ...joined!, left: { reason: 'resigned', leftOn: '2026-03-31' } };
    await post({ sequence: 12, items: [resigned] }).expect(200);
    const late = await post({ sequence: 11, items: [joined] }).expect(200);
    expect(late.body.results[0]).toMatchObject({ externalId: 'AGT-510', status: 'unchanged' });
    expect(await find('AGT-510')).toMatchObject({ status: 'left', leftReason: 'resigned' });
  });

  it('still applies an item of a batch later than the last that named the member', async () => {
    const [joined] = memberItems(530, 1);
    await post({ sequence: 30, items: [joined] }).expect(200);
    await post({ sequence: 32, items: [joined] }).expect(200);
    const renumbered = { ...joined!, memberNumber: 'S-530b' };
    const next = await post({ sequence: 33, items: [renumbered] }).expect(200);
    expect(next.body.results[0].status).toBe('updated');
    // A rejected item names no member: the batch before it still applies.
    const [x, y] = memberItems(540, 2);
    await post({ sequence: 40, items: [x, y] }).expect(200);
    const taken = await post({
      sequence: 42,
      items: [{ ...x!, memberNumber: y!.memberNumber }],
    }).expect(200);
    expect(taken.body.results[0].status).toBe('rejected');
    const between = await post({
      sequence: 41,
      items: [{ ...x!, memberNumber: 'S-540b' }],
    }).expect(200);
    expect(between.body.results[0].status).toBe('updated');
  });

  it('remembers what the later batches named after a restart and a rebuild', async () => {
    const [joined] = memberItems(520, 1);
    await post({ sequence: 20, items: [joined] }).expect(200);
    await post({ sequence: 22, items: [joined] }).expect(200);
    await fixture.close();
    const mentions = (store: SqliteEventStore) =>
      store.database.prepare('SELECT * FROM member_batch_mentions ORDER BY member_id').all();
    const store = new SqliteEventStore({ file: join(dataDir, 'member.db') });
    try {
      const before = mentions(store);
      expect(before.length).toBeGreaterThan(0);
      const projection = new SqliteProjection(store, batchMentionProjection);
      await projection.rebuild();
      await projection.stop();
      expect(mentions(store)).toEqual(before);
    } finally {
      await store.close();
    }
    fixture = await hostFixture([memberModule], { dataDir });
    coopA = await fixture.key('coop', COOP.A);
    const typo = { ...joined!, memberNumber: 'S-520-TYPO' };
    const late = await post({ sequence: 21, items: [typo] }).expect(200);
    expect(late.body.results[0]).toMatchObject({ externalId: 'AGT-520', status: 'unchanged' });
    expect((await find('AGT-520')).memberNumber).toBe('S-520');
  });
});
