import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { streams } from '../stream-ids';
import { COOP, federation, memberItems } from '../testing/federation';
import { batchLeaseName } from './one-batch-at-a-time';

interface ItemAnswer {
  externalId: string;
  status: string;
  id?: string;
  problem?: { code: string };
}

interface MemberPage {
  items: Array<{ externalId: string; memberNumber: string }>;
  nextCursor: string | null;
}

/**
 * Two batches of one coop at the same moment: a sync agent retrying on a timeout while its
 * first sending still runs, or two agents. Whatever the interleaving, the outcome is one that
 * sending them one after the other could have given.
 */
describe('member batches of one coop sent at the same moment', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const post = (body: unknown) =>
    request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/member-batches`)
      .set(f.auth(f.coopA))
      .send(body as object);
  const store = () => fixture.stores.get('member')!;
  /** The coop's members as the directory has them once caught up: external id → number. */
  const members = async () => {
    const numbers = new Map<string, string>();
    for (let cursor: string | null = '', pages = 0; cursor !== null && pages < 10; pages++) {
      const page = (
        await request(fixture.app)
          .get(`/api/member/v1/coops/${COOP.A}/members`)
          .query(cursor ? { cursor } : {})
          .set(f.auth(f.coopA))
          .expect(200)
      ).body as MemberPage;
      for (const m of page.items) numbers.set(m.externalId, m.memberNumber);
      cursor = page.nextCursor;
    }
    return numbers;
  };
  const distinctNumbers = async () => new Set((await members()).values()).size;
  const syncStatus = async () =>
    (
      await request(fixture.app)
        .get(`/api/member/v1/coops/${COOP.A}/sync-status`)
        .set(f.auth(f.coopA))
        .expect(200)
    ).body;
  const recorded = async () =>
    (await store().readStream(streams.memberSync(COOP.A))).map(
      (e) => e.data as { sequence: number; created: number; rejected: number },
    );
  const lastAnswer = async (sequence: number) => {
    const [last] = await store().readStream(streams.memberBatch(COOP.A, sequence), {
      direction: 'backwards',
      maxCount: 1,
    });
    return (last?.data as { items: ItemAnswer[] } | undefined)?.items;
  };
  const statuses = (body: { results: ItemAnswer[] }) => body.results.map((r) => r.status);

  beforeEach(async () => {
    fixture = await hostFixture([memberModule]);
    f = await federation(fixture);
  });
  afterEach(() => fixture.close());

  it('applies a batch sent twice at once one time, and answers the other as its resend', async () => {
    for (let sequence = 1; sequence <= 4; sequence++) {
      const from = sequence * 100;
      const batch = {
        sequence,
        items: [
          ...memberItems(from, 12),
          // Refused only when decided, after its NIK and number were claimed.
          { ...memberItems(from + 50, 1)[0], left: { reason: 'resigned', leftOn: '2024-12-31' } },
        ],
      };
      const both = await Promise.all([post(batch), post(batch)]);
      expect(both.map((r) => r.status)).toEqual([200, 200]);
      const [first, resend] = both[0].body.duplicateSequence
        ? [both[1].body, both[0].body]
        : [both[0].body, both[1].body];
      expect([first.duplicateSequence, resend.duplicateSequence]).toEqual([false, true]);
      expect(statuses(first)).toEqual([...Array<string>(12).fill('created'), 'rejected']);
      expect(statuses(resend)).toEqual([...Array<string>(12).fill('unchanged'), 'rejected']);
      expect(resend.results[12].problem.code).toBe(first.results[12].problem.code);
      expect(resend.results.map((r: ItemAnswer) => r.id)).toEqual(
        first.results.map((r: ItemAnswer) => r.id),
      );
      // The sequence's record and its kept answers are the first sending's.
      expect((await recorded()).find((r) => r.sequence === sequence)).toMatchObject({
        created: 12,
        rejected: 1,
      });
      expect(await lastAnswer(sequence)).toEqual(first.results);
      const later = await post(batch).expect(200);
      expect(later.body.results).toEqual(resend.results);
    }
    expect((await members()).size).toBe(48);
    expect(await distinctNumbers()).toBe(48);
    // The refused items' NIKs and numbers were given back.
    const fixed = { ...memberItems(150, 1)[0], externalId: 'AGT-150-fixed' };
    expect(statuses((await post({ sequence: 5, items: [fixed] }).expect(200)).body)).toEqual([
      'created',
    ]);
    expect(await syncStatus()).toEqual({
      lastSequence: 5,
      batchesReceived: 5,
      gaps: [],
      missingCount: 0,
    });
  });

  it('keeps the later batch’s values when two batches name the same members at once', async () => {
    await post({ sequence: 1, items: memberItems(1, 10) }).expect(200);
    const renumbered = (prefix: string) =>
      memberItems(1, 10).map((item, i) => ({ ...item, memberNumber: `${prefix}-${i + 1}` }));
    // Batch 3 renumbers, batch 4 (the coop's latest word) confirms the numbers as they are.
    const confirm = await Promise.all([
      post({ sequence: 3, items: renumbered('OLD') }),
      post({ sequence: 4, items: memberItems(1, 10) }),
    ]);
    expect(confirm.map((r) => r.status)).toEqual([200, 200]);
    const confirmed = await members();
    for (let n = 1; n <= 10; n++) expect(confirmed.get(`AGT-${n}`)).toBe(`S-${n}`);
    // Batch 5 and batch 6 both renumber: batch 6's numbers stand.
    const change = await Promise.all([
      post({ sequence: 5, items: renumbered('A') }),
      post({ sequence: 6, items: renumbered('B') }),
    ]);
    expect(change.map((r) => r.status)).toEqual([200, 200]);
    const changed = await members();
    for (let n = 1; n <= 10; n++) expect(changed.get(`AGT-${n}`)).toBe(`B-${n}`);
    // The numbers no member kept are the coop's to give again.
    const newcomers = memberItems(20, 20).map((item, i) => ({
      ...item,
      memberNumber: i < 10 ? `OLD-${i + 1}` : `A-${i - 9}`,
    }));
    const res = await post({ sequence: 7, items: newcomers }).expect(200);
    expect(res.body.counts).toMatchObject({ created: 20, rejected: 0 });
    expect((await members()).size).toBe(30);
    expect(await distinctNumbers()).toBe(30);
    expect(await syncStatus()).toEqual({
      lastSequence: 7,
      batchesReceived: 6,
      gaps: [{ from: 2, to: 2 }],
      missingCount: 1,
    });
  });

  it('applies disjoint batches sent at once each in full, and records every sequence', async () => {
    const sequences = [1, 2, 3, 4, 5, 6, 7, 8];
    const batch = (sequence: number) => ({
      sequence,
      items: [
        ...memberItems(sequence * 100, 10),
        // Every batch also wants member number S-1: one of them gets it.
        { ...memberItems(sequence * 100 + 50, 1)[0], memberNumber: 'S-1' },
      ],
    });
    const sent = await Promise.all(sequences.map((s) => post(batch(s))));
    expect(sent.map((r) => r.status)).toEqual(sequences.map(() => 200));
    expect(sent.map((r) => r.body.duplicateSequence)).toEqual(sequences.map(() => false));
    for (const r of sent)
      expect(r.body.counts.created).toBe(r.body.results[10].status === 'created' ? 11 : 10);
    const numberS1 = sent.filter((r) => r.body.results[10].status === 'created');
    expect(numberS1).toHaveLength(1);
    for (const r of sent)
      if (r !== numberS1[0]) expect(r.body.results[10].problem.code).toBe('member_number_taken');
    expect((await members()).size).toBe(81);
    expect(await distinctNumbers()).toBe(81);
    expect(await syncStatus()).toEqual({
      lastSequence: 8,
      batchesReceived: 8,
      gaps: [],
      missingCount: 0,
    });
    for (const s of sequences) {
      const again = await post(batch(s)).expect(200);
      expect(again.body.duplicateSequence).toBe(true);
      expect(again.body.counts).toMatchObject({ created: 0, updated: 0 });
    }
  });

  it('waits out the lease of an instance that died mid-batch, and holds up no other coop', async () => {
    const leases = store().leases;
    // Another instance took coop A's lease for a batch and died: no one renews or releases it.
    expect(await leases.acquire(batchLeaseName(COOP.A), 'instance-that-died', 600)).toBe(true);
    const started = Date.now();
    const ofB = await request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.B}/member-batches`)
      .set(f.auth(f.coopB))
      .send({ sequence: 1, items: memberItems(900, 2) })
      .expect(200);
    expect(ofB.body.counts).toMatchObject({ created: 2 });
    expect(await leases.acquire(batchLeaseName(COOP.A), 'a-third-instance', 1_000)).toBe(false);
    const ofA = await post({ sequence: 1, items: memberItems(1, 2) }).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(ofA.body.counts).toMatchObject({ created: 2 });
    // Given back when done: the next batch, on any instance, need not wait.
    expect(await leases.acquire(batchLeaseName(COOP.A), 'a-third-instance', 1_000)).toBe(true);
  });
});
