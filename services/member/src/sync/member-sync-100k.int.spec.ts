import request from 'supertest';
import { hostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { COOP, federation, memberItems } from '../testing/federation';

const BATCHES = 100;
const PER_BATCH = 1_000;

describe('syncing 100,000 members', () => {
  it('leaves exactly 100,000 members after every batch was sent twice', async () => {
    const fixture = await hostFixture([memberModule]);
    try {
      const f = await federation(fixture);
      const send = (sequence: number) =>
        request(fixture.app)
          .post(`/api/member/v1/coops/${COOP.A}/member-batches`)
          .set(f.auth(f.coopA))
          .send({ sequence, items: memberItems((sequence - 1) * PER_BATCH, PER_BATCH) })
          .expect(200);
      let created = 0;
      for (let sequence = 1; sequence <= BATCHES; sequence++)
        created += (await send(sequence)).body.counts.created as number;
      let unchanged = 0;
      for (let sequence = 1; sequence <= BATCHES; sequence++) {
        const again = await send(sequence);
        expect(again.body.duplicateSequence).toBe(true);
        unchanged += again.body.counts.unchanged as number;
      }
      expect(created).toBe(BATCHES * PER_BATCH);
      expect(unchanged).toBe(BATCHES * PER_BATCH);
      const db = fixture.stores.get('member')!.database;
      const members = db
        .prepare(
          'SELECT count(*) AS n, count(DISTINCT external_id) AS distinct_ids FROM members WHERE coop_id = ?',
        )
        .get(COOP.A);
      expect(members).toEqual({ n: BATCHES * PER_BATCH, distinct_ids: BATCHES * PER_BATCH });
      const status = await request(fixture.app)
        .get(`/api/member/v1/coops/${COOP.A}/sync-status`)
        .set(f.auth(f.coopA))
        .expect(200);
      expect(status.body).toEqual({
        lastSequence: BATCHES,
        batchesReceived: BATCHES,
        gaps: [],
        missingCount: 0,
      });
    } finally {
      await fixture.close();
    }
  }, 600_000);
});
