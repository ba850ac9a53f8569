import request from 'supertest';
import { createServiceApp } from '@kopfed/service-kit';
import { A, B, idr, settlementHarness, type Harness } from '../testing/harness';

interface ReservationOut {
  coopId: string;
  amount: { amount: string };
  cover: { amount: string };
  shortfall: { amount: string };
}

/** A's cover is 1,000,000; it pays 800,000 in a net batch and 800,000 in a gross one. */
describe('the liquidity cover reserved by one batch is not offered to another', () => {
  let h: Harness;
  const setUp = async (autoLiquidityLoan: boolean) => {
    h = await settlementHarness();
    await h.fund(B, 1_000_000);
    await h.put(`/coops/${A}/limits/IDR`, { netDebitCap: idr(2_000_000), autoLiquidityLoan });
    await h.put(`/coops/${A}/liquidity-cover/IDR`, { amount: idr(1_000_000) });
  };
  afterEach(async () => {
    await h.close();
  });

  const send = (transferId: string, from: string, to: string, amount: number, gross = false) =>
    h.post('/transfers', {
      transferId,
      fromCoopId: from,
      toCoopId: to,
      amount: idr(amount),
      ...(gross ? { settlementModel: 'gross' } : {}),
    });

  /**
   * Two batches of A's, closed and with their settlement recorded. With `paidBackInGross`, B
   * first sends A that much in the gross batch: A's net debit stays within its cover, but in
   * gross A still pays its 800,000 (and receives B's apart).
   */
  async function twoBatches(paidBackInGross = 0): Promise<[string, string]> {
    const back = paidBackInGross > 0 ? await send('c-0', B, A, paidBackInGross, true) : null;
    const net = await send('c-1', A, B, 800_000);
    const gross = await send('c-2', A, B, 800_000, true);
    expect([net.status, gross.status]).toEqual([201, 201]);
    if (back) expect(back.body.batchId).toBe(gross.body.batchId);
    const batchIds: [string, string] = [net.body.batchId, gross.body.batchId];
    expect(batchIds[0]).not.toBe(batchIds[1]);
    for (const batchId of batchIds)
      for (const step of ['close', 'record-settlement'])
        expect((await h.post(`/settlement-batches/${batchId}/${step}`, undefined)).status).toBe(
          200,
        );
    return batchIds;
  }
  const reserve = (batchId: string) => h.post(`/settlement-batches/${batchId}/reserve`, undefined);
  const reservationOf = (body: { reservations: ReservationOut[] }) => {
    const [r] = body.reservations;
    return r && [r.coopId, r.amount.amount, r.cover.amount, r.shortfall.amount];
  };

  describe('with a liquidity loan allowed', () => {
    beforeEach(() => setUp(true));

    it('finances with a liquidity loan what the cover cannot cover of the two', async () => {
      const [net, gross] = await twoBatches();
      expect(reservationOf((await reserve(net)).body)).toEqual([A, '800000', '1000000', '0']);
      const second = await reserve(gross);
      expect(second.status).toBe(200);
      expect(reservationOf(second.body)).toEqual([A, '800000', '200000', '600000']);
      expect((await h.post(`/settlement-batches/${gross}/commit`, undefined)).status).toBe(200);
      const loans = (await h.kit.store.readStream(`batch-${gross}`)).filter(
        (e) => e.type === 'LiquidityLoanRequested',
      );
      expect(loans.map((e) => e.data)).toMatchObject([{ coopId: A, shortfall: idr(600_000) }]);
    });

    it('still offers only what is left after a restart from the snapshot', async () => {
      const [net, gross] = await twoBatches();
      expect((await reserve(net)).status).toBe(200);
      h.settlement.core.snapshot();
      await h.settlement.instance.close?.();
      const restarted = await h.reopen();
      await restarted.instance.start?.();
      try {
        const app = createServiceApp(restarted.instance.definition, h.kit.deps);
        const second = await request(app)
          .post(`/api/settlement/v1/settlement-batches/${gross}/reserve`)
          .set('Authorization', `Bearer ${h.kit.keys.treasurerP}`);
        expect(second.status).toBe(200);
        expect(reservationOf(second.body)).toEqual([A, '800000', '200000', '600000']);
      } finally {
        await restarted.instance.close?.();
      }
    });
  });

  describe('without a liquidity loan', () => {
    beforeEach(() => setUp(false));

    it('refuses the second reservation, until the first is aborted', async () => {
      const [net, gross] = await twoBatches(600_000);
      expect((await reserve(net)).status).toBe(200);
      const refused = await reserve(gross);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: 'liquidity-cover-insufficient',
        details: { uncovered: [{ coopId: A, cover: idr(200_000), shortfall: idr(600_000) }] },
      });
      expect((await h.get(`/settlement-batches/${gross}`)).body.status).toBe('settlement_recorded');
      expect(
        (await h.post(`/settlement-batches/${net}/abort`, { reason: 'wrong account' })).status,
      ).toBe(200);
      expect(reservationOf((await reserve(gross)).body)).toEqual([A, '800000', '1000000', '0']);
    });

    it('offers the whole cover again once the coop has settled the first batch', async () => {
      const [net, gross] = await twoBatches(600_000);
      for (const step of ['reserve', 'commit'])
        expect((await h.post(`/settlement-batches/${net}/${step}`, undefined)).status).toBe(200);
      expect((await reserve(gross)).status).toBe(422);
      const settled = await h.post(`/settlement-batches/${net}/settlements`, {
        coopId: A,
        bankReference: 'BNI-1',
        settledOn: '2026-11-27',
      });
      expect(settled.status).toBe(200);
      expect(reservationOf((await reserve(gross)).body)).toEqual([A, '800000', '1000000', '0']);
    });
  });
});
