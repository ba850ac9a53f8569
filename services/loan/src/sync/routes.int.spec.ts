import request from 'supertest';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';

describe('loan sync batches', () => {
  let h: LoanHarness;
  const batches = () => `${API}/coops/${COOPS.A}/loan-sync-batches`;
  const loanItem = (externalId: string, memberExternalId = 'AGT-1') => ({
    kind: 'loan',
    externalId,
    memberExternalId,
    productCode: 'PINJAMAN',
    principal: { amount: '6000000', currency: 'IDR' },
    termMonths: 6,
    appliedOn: '2026-01-05',
  });
  const disbursement = (externalId: string, loanExternalId: string) => ({
    kind: 'disbursement',
    externalId,
    loanExternalId,
    disbursedOn: '2026-01-10',
    via: { kind: 'cash' },
  });
  const repayment = (externalId: string, loanExternalId: string, amount = '1035000') => ({
    kind: 'repayment',
    externalId,
    loanExternalId,
    amount: { amount, currency: 'IDR' },
    paidOn: '2026-02-10',
    via: { kind: 'cash' },
  });
  const send = (sequence: number, items: unknown[]) =>
    request(h.app).post(batches()).set(h.as(h.fx.keys.coopA)).send({ sequence, items });

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

  it('applies loans, disbursements and repayments in order, with a result per item', async () => {
    const response = await send(1, [
      loanItem('PJ-1'),
      disbursement('CAIR-1', 'PJ-1'),
      repayment('BAYAR-1', 'PJ-1'),
      loanItem('PJ-2', 'AGT-404'),
      repayment('BAYAR-9', 'PJ-404'),
    ]).expect(200);
    expect(response.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'created',
      'created',
      'rejected',
      'rejected',
    ]);
    expect(response.body.results[3].problem).toMatchObject({
      code: 'borrower_not_member',
      pointer: '/items/3/memberExternalId',
    });
    expect(response.body.results[4].problem.code).toBe('loan_not_found');
    expect(response.body).toMatchObject({
      sequence: 1,
      duplicateSequence: false,
      counts: { created: 3, rejected: 2 },
    });
    const loanId = response.body.results[0].id as string;
    const loan = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loans/${loanId}`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    expect(loan.body).toMatchObject({
      origin: 'sync',
      externalId: 'PJ-1',
      status: 'active',
      disbursedOn: '2026-01-10',
    });
  });

  it('dedupes for ever: a resent batch changes nothing; a reused repayment id is refused', async () => {
    const before = await h.store.headPosition();
    const again = await send(1, [
      loanItem('PJ-1'),
      disbursement('CAIR-1', 'PJ-1'),
      repayment('BAYAR-1', 'PJ-1'),
    ]).expect(200);
    expect(again.body.duplicateSequence).toBe(true);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(await h.store.headPosition()).toBe(before);
    const reused = await send(2, [repayment('BAYAR-1', 'PJ-1', '5000')]).expect(200);
    expect(reused.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'external_id_reused' },
    });
    const changed = await send(3, [{ ...loanItem('PJ-1'), termMonths: 12 }]).expect(200);
    expect(changed.body.results[0].problem.code).toBe('loan_terms_differ');
  });

  it('reports gaps in the sequence until they arrive', async () => {
    await send(5, [loanItem('PJ-5')]).expect(200);
    const status = await request(h.app)
      .get(`${API}/coops/${COOPS.A}/loan-sync-status`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    expect(status.body).toEqual({
      lastSequence: 5,
      batchesReceived: 4,
      gaps: [{ from: 4, to: 4 }],
      missingCount: 1,
    });
  });

  it('refuses an oversized batch and another coop’s key', async () => {
    const items = Array.from({ length: 1_001 }, (_, i) => loanItem(`PJ-X${i}`));
    const big = await send(9, items).expect(400);
    expect(big.body.errors[0].pointer).toBe('/items');
    await request(h.app)
      .post(batches())
      .set(h.as(h.fx.keys.coopB))
      .send({ sequence: 1, items: [loanItem('X')] })
      .expect(403);
  });
});
