import request from 'supertest';
import { loanStream } from '../shared/streams';
import { API, COOPS, loanHarness, productBody, type LoanHarness } from '../testing/harness';

/** A savings-secured loan: the hold the loan asks for, placed by the savings service. */
describe('savings holds for secured loans', () => {
  let h: LoanHarness;
  beforeEach(async () => {
    h = await loanHarness('2026-01-31');
    await h.federation();
  });
  afterEach(() => h.close());

  const loans = `${API}/coops/${COOPS.A}/loans`;
  const holdPlaced = (holdId: string, amount: string, accountId = 'sav-a1') => ({
    coopId: COOPS.A,
    accountId,
    memberId: 'm-a1',
    memberKind: 'person',
    memberCoopId: null,
    product: { code: 'SUKARELA', kind: 'sukarela', classification: 'liability' },
    holdId,
    amount: { amount, currency: 'IDR' },
    reason: 'loan collateral',
    expiresAt: '2027-01-31T17:00:00.000Z',
    businessDate: '2026-01-31',
  });

  /** A 25%-secured loan of Rp10,000,000 on savings account sav-a1, applied and approved. */
  async function approvedSecuredLoan(): Promise<string> {
    await request(h.app)
      .post(`${API}/coops/${COOPS.A}/loan-products/PINJAMAN/versions`)
      .set(h.as(h.fx.keys.coopA))
      .send(productBody({ collateralSharePercent: '25' }))
      .expect(201);
    const applied = await request(h.app)
      .post(loans)
      .set(h.as(h.fx.keys.coopA))
      .send({
        memberId: 'm-a1',
        productCode: 'PINJAMAN',
        principal: { amount: '10000000', currency: 'IDR' },
        termMonths: 12,
        collateral: { savingsAccountId: 'sav-a1' },
      })
      .expect(201);
    const loanId = (applied.body as { loanId: string }).loanId;
    await request(h.app)
      .post(`${loans}/${loanId}/approval`)
      .set(h.as(h.fx.keys.treasurerP))
      .expect(200);
    return loanId;
  }

  const disburse = (loanId: string) =>
    request(h.app)
      .post(`${loans}/${loanId}/disbursement`)
      .set(h.as(h.fx.keys.coopA))
      .send({ via: { kind: 'savings', savingsAccountId: 'sav-a1', productCode: 'SUKARELA' } });

  it('records the hold the savings service placed under the loan id, once, and then disburses', async () => {
    const loanId = await approvedSecuredLoan();
    expect((await disburse(loanId).expect(422)).body.code).toBe('collateral_not_held');

    // Holds for anything else — a payment, an unknown id — are not the loan's.
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced('pay-2026-1', '2500000'));
    const untouched = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(untouched.body.collateral).toMatchObject({
      required: { amount: '2500000', currency: 'IDR' },
      held: { amount: '0', currency: 'IDR' },
    });

    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced(loanId, '2500000'));
    const held = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(held.body.collateral).toEqual({
      savingsAccountId: 'sav-a1',
      required: { amount: '2500000', currency: 'IDR' },
      held: { amount: '2500000', currency: 'IDR' },
      holdId: loanId,
      refused: null,
      shortfall: { amount: '0', currency: 'IDR' },
    });
    const revision = held.headers.etag;
    // The same hold delivered again changes nothing.
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced(loanId, '2500000'));
    const again = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(again.headers.etag).toBe(revision);

    const disbursed = await disburse(loanId).expect(200);
    expect(disbursed.body.status).toBe('active');
  });

  it('leaves the loan alone when the hold is on another account, and keeps consuming', async () => {
    const loanId = await approvedSecuredLoan();
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a9', holdPlaced(loanId, '2500000', 'sav-a9'));
    const loan = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(loan.body.collateral.held).toEqual({ amount: '0', currency: 'IDR' });
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced(loanId, '2500000'));
    await disburse(loanId).expect(200);
  });

  const holdRefused = (loanId: string, accountId = 'sav-a1') => ({
    coopId: COOPS.A,
    accountId,
    memberId: 'm-a1',
    loanId,
    holdId: loanId,
    amount: { amount: '2500000', currency: 'IDR' },
    reason: 'insufficient-funds',
    detail: 'Only 400000 rupiah can be taken (available 410000, minimum balance 10000).',
    businessDate: '2026-01-31',
  });

  it('records a hold the savings service refused, once: the loan is not secured and not paid out', async () => {
    const loanId = await approvedSecuredLoan();
    // Another loan's refusal, or one on another account, is not this loan's.
    await h.savingsEvent('SavingsHoldRefused', 'sav-a1', {
      ...holdRefused('loan-x'),
      memberId: 'm-a1',
    });
    await h.savingsEvent('SavingsHoldRefused', 'sav-a9', holdRefused(loanId, 'sav-a9'));
    const untouched = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(untouched.body.collateral.refused).toBeNull();

    await h.savingsEvent('SavingsHoldRefused', 'sav-a1', holdRefused(loanId));
    const refused = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(refused.body.status).toBe('approved');
    expect(refused.body.collateral).toEqual({
      savingsAccountId: 'sav-a1',
      required: { amount: '2500000', currency: 'IDR' },
      held: { amount: '0', currency: 'IDR' },
      holdId: null,
      refused: {
        reason: 'insufficient-funds',
        detail: 'Only 400000 rupiah can be taken (available 410000, minimum balance 10000).',
        refusedOn: '2026-01-31',
      },
      shortfall: { amount: '0', currency: 'IDR' },
    });
    const refusal = await disburse(loanId).expect(422);
    expect(refusal.body).toMatchObject({
      code: 'collateral_refused',
      details: { reason: 'insufficient-funds', refusedOn: '2026-01-31' },
    });
    expect(refusal.body.detail).toContain('insufficient-funds');
    await h.savingsEvent('SavingsHoldRefused', 'sav-a1', holdRefused(loanId));
    const history = await request(h.app)
      .get(`${loans}/${loanId}/history`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    const types = (history.body.events as { type: string }[]).map((e) => e.type);
    expect(types.filter((t) => t === 'LoanCollateralHoldRefused')).toHaveLength(1);

    // The member saved more and staff placed the hold under the loan id: secured after all.
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced(loanId, '2500000'));
    const held = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(held.body.collateral).toMatchObject({ held: { amount: '2500000' }, refused: null });
    await disburse(loanId).expect(200);
  });

  const holdCaptured = (holdId: string, accountId = 'sav-a1') => ({
    coopId: COOPS.A,
    accountId,
    memberId: 'm-a1',
    memberKind: 'person',
    memberCoopId: null,
    product: { code: 'SUKARELA', kind: 'sukarela', classification: 'liability' },
    amount: { amount: '2000000', currency: 'IDR' },
    via: 'cash',
    businessDate: '2026-01-31',
    reason: 'hold_captured',
    hold: { holdId, released: { amount: '500000', currency: 'IDR' } },
    externalId: null,
  });

  it('no longer counts a hold staff captured in savings, once; other withdrawals are not the loan’s', async () => {
    const loanId = await approvedSecuredLoan();
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced(loanId, '2500000'));
    await disburse(loanId).expect(200);

    // A payment's hold captured, the loan's hold id on another account, a plain withdrawal.
    await h.savingsEvent('SavingsWithdrawn', 'sav-a1', holdCaptured('pay-2026-1'));
    await h.savingsEvent('SavingsWithdrawn', 'sav-a9', holdCaptured(loanId, 'sav-a9'));
    await h.savingsEvent('SavingsWithdrawn', 'sav-a1', {
      ...holdCaptured(loanId),
      reason: 'withdrawal',
      hold: null,
    });
    const kept = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(kept.body.collateral.held).toEqual({ amount: '2500000', currency: 'IDR' });

    // Staff captured the loan's hold: 2,000,000 taken, the rest released; nothing is held.
    await h.savingsEvent('SavingsWithdrawn', 'sav-a1', holdCaptured(loanId));
    const loan = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(loan.body.collateral).toMatchObject({
      required: { amount: '2500000', currency: 'IDR' },
      held: { amount: '0', currency: 'IDR' },
      shortfall: { amount: '2500000', currency: 'IDR' },
    });
    // The captured money is not a repayment until staff record it as one.
    expect(loan.body.outstandingPrincipal).toEqual(kept.body.outstandingPrincipal);
    await h.savingsEvent('SavingsWithdrawn', 'sav-a1', holdCaptured(loanId));
    const history = await request(h.app)
      .get(`${loans}/${loanId}/history`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    const ended = (history.body.events as { type: string; data: { reason?: string } }[]).filter(
      (e) => e.type === 'LoanCollateralHoldEnded',
    );
    expect(ended.map((e) => e.data.reason)).toEqual(['captured']);
  });

  const holdReleased = (holdId: string, reason: 'released' | 'expired', accountId = 'sav-a1') => ({
    coopId: COOPS.A,
    accountId,
    holdId,
    amount: { amount: '2500000', currency: 'IDR' },
    reason,
    businessDate: '2026-01-31',
  });

  it('no longer counts a hold the savings service released or let expire, once', async () => {
    const loanId = await approvedSecuredLoan();
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced(loanId, '2500000'));
    await disburse(loanId).expect(200);

    // Another hold on the account, or the same id on another account, is not the loan's.
    await h.savingsEvent('SavingsHoldReleased', 'sav-a1', holdReleased('pay-2026-1', 'released'));
    await h.savingsEvent(
      'SavingsHoldReleased',
      'sav-a9',
      holdReleased(loanId, 'expired', 'sav-a9'),
    );
    const kept = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(kept.body.collateral.held).toEqual({ amount: '2500000', currency: 'IDR' });

    // Staff released it in savings: the loan holds nothing there any more.
    await h.savingsEvent('SavingsHoldReleased', 'sav-a1', holdReleased(loanId, 'released'));
    const loan = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(loan.body.collateral).toMatchObject({
      required: { amount: '2500000', currency: 'IDR' },
      held: { amount: '0', currency: 'IDR' },
    });
    await h.savingsEvent('SavingsHoldReleased', 'sav-a1', holdReleased(loanId, 'expired'));
    const again = await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA));
    expect(again.headers.etag).toBe(loan.headers.etag);

    // The loan does not ask savings to release it again: the end is recorded privately.
    const history = await request(h.app)
      .get(`${loans}/${loanId}/history`)
      .set(h.as(h.fx.keys.coopA))
      .expect(200);
    const types = (history.body.events as { type: string }[]).map((e) => e.type);
    expect(types).not.toContain('LoanCollateralHoldReleased');
    expect(types.filter((t) => t === 'LoanCollateralHoldEnded')).toHaveLength(1);
  });
  const fromSavings = { kind: 'savings', savingsAccountId: 'sav-a1', productCode: 'SUKARELA' };
  /** The repayment from savings savings refused to debit (SavingsDebitRefused), by its event id. */
  async function debitRefused(loanId: string, amount: string): Promise<void> {
    const events = await h.store.readStream(loanStream(loanId));
    const repaid = events.findLast((e) => e.type === 'LoanRepaid')!;
    await h.savingsEvent('SavingsDebitRefused', 'sav-a1', {
      coopId: COOPS.A,
      accountId: 'sav-a1',
      memberId: 'm-a1',
      loanId,
      request: 'LoanRepaid',
      requestId: repaid.id,
      amount: { amount, currency: 'IDR' },
      requestedOn: '2026-01-31',
      reason: 'account-frozen',
      detail: 'The account is frozen.',
      businessDate: '2026-01-31',
    });
  }

  it('shows the hold a refused repayment had shrunk or released as short of what the loan needs', async () => {
    const loanId = await approvedSecuredLoan();
    await h.savingsEvent('SavingsHoldPlaced', 'sav-a1', holdPlaced(loanId, '2500000'));
    await disburse(loanId).expect(200);
    const get = async () =>
      (await request(h.app).get(`${loans}/${loanId}`).set(h.as(h.fx.keys.coopA)).expect(200))
        .body as {
        collateral: Record<string, { amount: string }>;
        outstandingPrincipal: { amount: string };
        payoffAmount: { amount: string };
      };
    const secured = await get();

    // A prepayment from the held account shrinks the hold to 25% of what is left.
    await request(h.app)
      .post(`${loans}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({ amount: { amount: '4000000', currency: 'IDR' }, via: fromSavings })
      .expect(200);
    const shrunk = await get();
    expect(BigInt(shrunk.collateral.held!.amount)).toBeLessThan(2_500_000n);
    expect(shrunk.collateral.shortfall).toEqual({ amount: '0', currency: 'IDR' });

    // Savings refused the debit: the principal is owed again, the hold stays as savings has it.
    await debitRefused(loanId, '4000000');
    const short = await get();
    expect(short.outstandingPrincipal).toEqual(secured.outstandingPrincipal);
    expect(short.collateral.held).toEqual(shrunk.collateral.held);
    expect(short.collateral.shortfall).toEqual({
      amount: (2_500_000n - BigInt(shrunk.collateral.held!.amount)).toString(),
      currency: 'IDR',
    });

    // A payoff from savings released the hold; refused, the whole share is short.
    await request(h.app)
      .post(`${loans}/${loanId}/repayments`)
      .set(h.as(h.fx.keys.coopA))
      .send({ amount: short.payoffAmount, via: fromSavings })
      .expect(200);
    await debitRefused(loanId, short.payoffAmount.amount);
    const released = await get();
    expect(released.collateral).toMatchObject({
      held: { amount: '0', currency: 'IDR' },
      shortfall: { amount: '2500000', currency: 'IDR' },
    });
  });
});
