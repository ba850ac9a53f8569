import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { liquidityProductStream, loanStream } from '../shared/streams';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';
import { liquidityLoanRequestId } from './answer';
import { LIQUIDITY_APPLICANT, MAX_ANSWERED_AT_ONCE } from './requests';

/** Settlement's LiquidityLoanRequested delivered to the loan service, as the node's bus would. */
describe('liquidity loan requests from settlement', () => {
  let h: LoanHarness;
  beforeEach(async () => {
    h = await loanHarness('2026-02-02');
    await h.federation(); // m-pa: coop A's membership in its parent P
    await h.memberEvent('CooperationAgreementSigned', 'agr-1', {
      agreementId: 'agr-1',
      coopId: COOPS.P,
      partnerCoopId: COOPS.A,
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
    });
    await request(h.app)
      .post(`${API}/coops/${COOPS.P}/loan-products/LIKUIDITAS/versions`)
      .set(h.as(h.fx.keys.treasurerP))
      .send(productBody({ name: 'Pinjaman likuiditas', maxGraceMonths: 0, minTermMonths: 1 }))
      .expect(201);
  });
  afterEach(() => h.close());

  const BATCH = 'MIDR20260202T0000-3fa2b1c9';
  const requested = (coopId: string = COOPS.A, amount = '15000000', batchId = BATCH) => ({
    batchId,
    coopId,
    parentCoopId: COOPS.P,
    shortfall: { amount, currency: 'IDR' },
    requestedAt: '2026-02-02T02:00:00.000Z',
  });
  const deliver = (data: ReturnType<typeof requested>, id?: string) =>
    h.settlementEvent('LiquidityLoanRequested', data.coopId, data, id);
  const designate = (termMonths = 3) =>
    request(h.app)
      .put(`${API}/coops/${COOPS.P}/liquidity-loan-product`)
      .set(h.as(h.fx.keys.treasurerP))
      .send({ productCode: 'LIKUIDITAS', termMonths });
  const list = (query = '') =>
    request(h.app)
      .get(`${API}/coops/${COOPS.P}/liquidity-loan-requests${query}`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
  const parentLoans = () =>
    request(h.app).get(`${API}/coops/${COOPS.P}/loans`).set(h.as(h.fx.keys.treasurerP)).expect(200);

  it('applies in the parent for the shortfall to the borrower coop’s membership, once however often delivered', async () => {
    await designate(3).expect(200);
    const id = uuidv7();
    await deliver(requested(), id);

    const loanId = liquidityLoanRequestId(BATCH, COOPS.A);
    const loan = await request(h.app)
      .get(`${API}/coops/${COOPS.P}/loans/${loanId}`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    expect(loan.body).toMatchObject({
      loanId,
      memberId: 'm-pa',
      productCode: 'LIKUIDITAS',
      status: 'applied',
      principal: { amount: '15000000', currency: 'IDR' },
      termMonths: 3,
      borrower: { kind: 'coop', memberCoopId: COOPS.A, agreementId: 'agr-1' },
    });
    const stored = await h.store.readStream(loanStream(loanId));
    expect(stored.map((e) => e.type)).toEqual(['LoanApplied']);
    expect((stored[0]!.data as { appliedBy: string }).appliedBy).toBe(LIQUIDITY_APPLICANT);

    // The same message again, and the same request in another message: no second application.
    await deliver(requested(), id);
    await deliver(requested());
    expect((await h.store.readStream(loanStream(loanId))).length).toBe(1);
    expect((await parentLoans()).body.loans).toHaveLength(1);
    expect((await list()).body.requests).toEqual([
      expect.objectContaining({
        requestId: loanId,
        batchId: BATCH,
        coopId: COOPS.A,
        shortfall: { amount: '15000000', currency: 'IDR' },
        status: 'applied',
        reason: null,
        loan: { loanId, status: 'applied' },
      }),
    ]);

    // The application waits for the parent's approval and payout like any other loan.
    await request(h.app)
      .post(`${API}/coops/${COOPS.P}/loans/${loanId}/approval`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    const paid = await request(h.app)
      .post(`${API}/coops/${COOPS.P}/loans/${loanId}/disbursement`)
      .set(h.as(h.fx.keys.treasurerP))
      .send({ via: { kind: 'savings', savingsAccountId: 'sav-pa', productCode: 'SUKARELA' } })
      .expect(200);
    expect(paid.body.status).toBe('active');
    expect(h.bus.deadLetters()).toHaveLength(0);
  });

  it('keeps a request the parent has no product for unanswered, with its reason, dead-letters nothing, and answers it when the product is designated', async () => {
    await deliver(requested());
    await deliver(requested(COOPS.B, '2000000')); // B is no member of P as the loan service knows
    expect(h.bus.deadLetters()).toHaveLength(0);
    expect((await parentLoans()).body.loans).toHaveLength(0);
    const waiting = (await list('?status=unanswered')).body.requests;
    expect(waiting).toEqual([
      expect.objectContaining({
        coopId: COOPS.A,
        status: 'unanswered',
        reason: 'no_liquidity_product',
        loan: null,
      }),
      expect.objectContaining({ coopId: COOPS.B, reason: 'no_liquidity_product' }),
    ]);
    expect(waiting[0].detail).toContain(COOPS.P);

    const designated = await designate(3).expect(200);
    expect(designated.body).toMatchObject({
      productCode: 'LIKUIDITAS',
      termMonths: 3,
      requestsAnswered: { applied: 1, unanswered: 1 },
    });
    const after = (await list()).body.requests;
    expect(after).toEqual([
      expect.objectContaining({
        coopId: COOPS.A,
        status: 'applied',
        loan: { loanId: liquidityLoanRequestId(BATCH, COOPS.A), status: 'applied' },
      }),
      expect.objectContaining({
        coopId: COOPS.B,
        status: 'unanswered',
        reason: 'borrower_not_member',
      }),
    ]);
    // A redelivery of a request kept unanswered does not try it again on its own.
    await deliver(requested(COOPS.B, '2000000'));
    expect((await list('?status=unanswered')).body.requests).toHaveLength(1);
  });

  it('applies for a waiting request in the name of the treasurer who designates: that treasurer does not approve it', async () => {
    await deliver(requested());
    await designate(3).expect(200);
    const loanId = liquidityLoanRequestId(BATCH, COOPS.A);
    const stored = await h.store.readStream(loanStream(loanId));
    expect((stored[0]!.data as { appliedBy: string }).appliedBy).not.toBe(LIQUIDITY_APPLICANT);
    const approve = (token: string) =>
      request(h.app).post(`${API}/coops/${COOPS.P}/loans/${loanId}/approval`).set(h.as(token));
    const same = await approve(h.fx.keys.treasurerP);
    expect(same.status).toBe(422);
    expect(same.body.code).toBe('maker_checker');
    await approve(h.fx.keys.admin).expect(200);
  });

  it('does not list a request unanswered when its loan was applied for while its own attempt read no designation', async () => {
    // The consumer's attempt reads the designation (none yet), and is held there while the
    // treasurer designates and so applies for the request.
    const readStream = h.store.readStream.bind(h.store);
    let reached!: () => void;
    const atRead = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    jest.spyOn(h.store, 'readStream').mockImplementation(async (stream, ...rest) => {
      const events = await readStream(stream, ...rest);
      if (stream === liquidityProductStream(COOPS.P) && !held) {
        held = true;
        reached();
        await gate;
      }
      return events;
    });
    const delivered = deliver(requested());
    await atRead;
    expect((await designate(3).expect(200)).body.requestsAnswered).toEqual({
      applied: 1,
      unanswered: 0,
      remaining: 0,
    });
    release();
    await delivered;

    const loanId = liquidityLoanRequestId(BATCH, COOPS.A);
    expect((await list()).body.requests).toEqual([
      expect.objectContaining({
        status: 'applied',
        reason: null,
        loan: { loanId, status: 'applied' },
      }),
    ]);
    expect((await list('?status=unanswered')).body.requests).toEqual([]);
  });

  it('lists a request whose loan was rejected as unanswered again; applying by hand makes a new application, once, and redelivery none', async () => {
    await designate(3).expect(200);
    const id = uuidv7();
    await deliver(requested(), id);
    const requestId = liquidityLoanRequestId(BATCH, COOPS.A);
    await request(h.app)
      .post(`${API}/coops/${COOPS.P}/loans/${requestId}/rejection`)
      .set(h.as(h.fx.keys.treasurerP))
      .send({ reason: 'the coop settles from its own reserves' })
      .expect(200);
    expect((await list('?status=unanswered')).body.requests).toEqual([
      expect.objectContaining({
        requestId,
        status: 'unanswered',
        reason: 'application_rejected',
        loan: { loanId: requestId, status: 'rejected' },
      }),
    ]);
    // Designating again does not undo the treasurer's rejection.
    expect((await designate(6).expect(200)).body.requestsAnswered).toEqual({
      applied: 0,
      unanswered: 0,
      remaining: 0,
    });

    const apply = () =>
      request(h.app)
        .post(`${API}/coops/${COOPS.P}/liquidity-loan-requests/${requestId}/application`)
        .set(h.as(h.fx.keys.treasurerP))
        .send({ productCode: 'LIKUIDITAS', termMonths: 6 });
    const again = await apply().expect(201);
    const loanId = again.body.loanId as string;
    expect(loanId).not.toBe(requestId);
    expect(again.body).toMatchObject({ status: 'applied', termMonths: 6, memberId: 'm-pa' });
    expect((await list()).body.requests).toEqual([
      expect.objectContaining({
        requestId,
        status: 'applied',
        reason: null,
        loan: { loanId, status: 'applied' },
      }),
    ]);
    const twice = await apply();
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('liquidity_loan_request_answered');

    await deliver(requested(), id);
    await deliver(requested());
    expect((await parentLoans()).body.loans).toHaveLength(2);
    expect(h.bus.deadLetters()).toHaveLength(0);
  });

  it('tries again on designating only the requests a designation can answer: the older ones it cannot do not starve them', async () => {
    for (let n = 0; n < MAX_ANSWERED_AT_ONCE; n++) {
      const batchId = `MIDR20260201T0000-${String(n).padStart(8, '0')}`;
      const inDollars = {
        ...requested(COOPS.A, '1000', batchId),
        shortfall: { amount: '1000', currency: 'USD' },
      };
      await deliver(inDollars);
    }
    await deliver(requested());
    const designated = await designate(3).expect(200);
    expect(designated.body.requestsAnswered).toEqual({ applied: 1, unanswered: 0, remaining: 0 });
    expect((await parentLoans()).body.loans).toEqual([
      expect.objectContaining({ loanId: liquidityLoanRequestId(BATCH, COOPS.A) }),
    ]);
    const waiting = await list('?status=unanswered&limit=500');
    expect(waiting.body.requests).toHaveLength(MAX_ANSWERED_AT_ONCE);
    expect(new Set(waiting.body.requests.map((r: { reason: string }) => r.reason))).toEqual(
      new Set(['currency_not_lent']),
    );
  });

  it('keeps the loan application’s own refusal as the reason: a shortfall the product does not lend', async () => {
    await designate(3).expect(200);
    await deliver(requested(COOPS.A, '900000000'));
    expect(h.bus.deadLetters()).toHaveLength(0);
    expect((await list()).body.requests).toEqual([
      expect.objectContaining({ status: 'unanswered', reason: 'principal_out_of_range' }),
    ]);
  });
});
