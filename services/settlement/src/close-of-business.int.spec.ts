import { closeOfBusiness } from './close-of-business';
import { A, B, idr, settlementHarness, type Harness } from './testing/harness';

describe('close of business', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await settlementHarness();
    await h.fund(A, 1_000_000);
  });
  afterEach(() => h.close());

  it('goes on when a treasurer closed an ended batch just before it, and records its run', async () => {
    const sent = await h.post('/transfers', {
      transferId: 't-1',
      fromCoopId: A,
      toCoopId: B,
      amount: idr(1_000),
    });
    const batchId = sent.body.batchId as string;
    h.advance(24 * 3_600_000);
    const { core, transfers, batches, poster, unposted } = h.settlement;
    const { store } = h.kit;
    // The treasurer's close takes the batch after the run saw it open, before the run closes it.
    const racing = Object.create(batches) as typeof batches;
    racing.close = async (id, metadata) => {
      await batches.close(id, metadata);
      return batches.close(id, metadata);
    };
    const run = await closeOfBusiness(
      { store, core, transfers, batches: racing, poster, unposted },
      '2026-11-27',
    );
    expect(run).toMatchObject({ businessDate: '2026-11-27', closedBatches: [] });
    expect((await h.get(`/settlement-batches/${batchId}`)).body.status).toBe('closed');
    expect(await store.readStream('closeofbusiness-2026-11-27')).toHaveLength(1);
  });
});
