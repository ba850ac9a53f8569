import request from 'supertest';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';

// Onboarding (BRIEF: "imports ... history with their original business dates"): a coop syncs a
// loan and its disbursement, the node closes business that night, then the coop syncs the
// repayments its own core recorded in January and February, in date order.
describe('synced repayment history after a close of business', () => {
  let h: LoanHarness;
  const send = (sequence: number, items: unknown[]) =>
    request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-sync-batches`)
      .set(h.as(h.fx.keys.coopA))
      .send({ sequence, items });

  beforeAll(async () => {
    h = await loanHarness('2026-03-01');
    await h.federation();
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody())
      .expect(201);
  });
  afterAll(() => h.close());

  it('accepts a historical repayment synced the day after the disbursement', async () => {
    const first = await send(1, [
      {
        kind: 'loan',
        externalId: 'PJ-1',
        memberExternalId: 'AGT-1',
        productCode: 'PINJAMAN',
        principal: { amount: '6000000', currency: 'IDR' },
        termMonths: 6,
        appliedOn: '2026-01-05',
      },
      {
        kind: 'disbursement',
        externalId: 'CAIR-1',
        loanExternalId: 'PJ-1',
        disbursedOn: '2026-01-10',
        via: { kind: 'cash' },
      },
    ]).expect(200);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'created',
    ]);
    await h.closeDays('2026-03-01', '2026-03-01');
    h.setToday('2026-03-02');
    const second = await send(2, [
      {
        kind: 'repayment',
        externalId: 'BAYAR-1',
        loanExternalId: 'PJ-1',
        amount: { amount: '1035000', currency: 'IDR' },
        paidOn: '2026-02-10',
        via: { kind: 'cash' },
      },
    ]).expect(200);
    expect(second.body.results[0].status).toBe('created');
  });
});
