import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { syncRepaymentStream } from '../shared/streams';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';

describe('a synced repayment external id is claimed with where the money came from', () => {
  let h: LoanHarness;
  const send = (sequence: number, items: unknown[]) =>
    request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-sync-batches`)
      .set(h.as(h.fx.keys.coopA))
      .send({ sequence, items });
  const repayment = (externalId: string, via: unknown, amount = '1035000') => ({
    kind: 'repayment',
    externalId,
    loanExternalId: 'PJ-1',
    amount: { amount, currency: 'IDR' },
    paidOn: '2026-02-10',
    via,
  });
  const cash = { kind: 'cash' };
  const savings = { kind: 'savings', savingsAccountId: 'sav-1', productCode: 'SUKARELA' };
  let loanId: string;

  beforeEach(async () => {
    h = await loanHarness('2026-03-01');
    await h.federation();
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody())
      .expect(201);
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
        via: cash,
      },
      repayment('BAYAR-1', cash),
    ]).expect(200);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'created',
      'created',
    ]);
    loanId = first.body.results[0].id as string;
  });
  afterEach(() => h.close());

  it('refuses the same id paid from another source, and changes nothing', async () => {
    const loan = () =>
      request(h.app)
        .get(`${API}/coops/${COOPS.A}/loans/${loanId}`)
        .set(h.as(h.fx.keys.coopA))
        .expect(200);
    const before = await loan();
    const reused = await send(2, [repayment('BAYAR-1', savings)]).expect(200);
    expect(reused.body.results[0]).toMatchObject({
      status: 'rejected',
      problem: { code: 'external_id_reused' },
    });
    const otherAccount = await send(3, [
      repayment('BAYAR-1', { ...savings, savingsAccountId: 'sav-2' }),
    ]).expect(200);
    expect(otherAccount.body.results[0].problem.code).toBe('external_id_reused');
    // No repayment and no new claim: the loan and the id's claim are as they were.
    const after = await loan();
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(after.body).toEqual(before.body);
    const claims = await h.store.readStream(syncRepaymentStream(COOPS.A, 'BAYAR-1'));
    expect(claims.map((e) => e.type)).toEqual(['LoanRepaymentExternalIdReserved']);
    const same = await send(4, [repayment('BAYAR-1', cash)]).expect(200);
    expect(same.body.results[0].status).toBe('unchanged');
  });

  it('matches a claim recorded before the source was part of it, whatever the source', async () => {
    // As claims were recorded before: the loan, the amount and the date, no `via`.
    await h.store.append(
      syncRepaymentStream(COOPS.A, 'BAYAR-2'),
      [
        {
          id: uuidv7(),
          type: 'LoanRepaymentExternalIdReserved',
          schemaVersion: 1,
          data: { loanId, amount: '100000', paidOn: '2026-02-10' },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const applied = await send(2, [repayment('BAYAR-2', cash, '100000')]).expect(200);
    expect(applied.body.results[0].status).toBe('created');
    const resent = await send(3, [repayment('BAYAR-2', savings, '100000')]).expect(200);
    expect(resent.body.results[0].status).toBe('unchanged');
    const otherAmount = await send(4, [repayment('BAYAR-2', cash, '100001')]).expect(200);
    expect(otherAmount.body.results[0].problem.code).toBe('external_id_reused');
  });
});
