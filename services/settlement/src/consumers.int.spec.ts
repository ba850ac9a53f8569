import type { EventName } from '@kopfed/contracts';
import { expectBooksBalance } from './testing/books';
import { A, B, idr, P, settlementHarness, type Harness } from './testing/harness';
import { deliverEvent } from './testing/deliver';

describe('the savings and loan services’ money events in the books', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await settlementHarness();
  });
  afterAll(async () => {
    await expectBooksBalance(h.settlement, [A, B, P]);
    await h.close();
  });

  const deliver = (name: EventName, data: unknown, id?: string) =>
    deliverEvent(h.settlement, name, data, { id });

  const holder = (coopId: string, memberCoopId: string | null = null) => ({
    coopId,
    accountId: 'acc-1',
    memberId: 'm-1',
    memberKind: memberCoopId === null ? ('person' as const) : ('coop' as const),
    memberCoopId,
  });
  const sukarela = {
    code: 'SUKARELA',
    kind: 'sukarela' as const,
    classification: 'liability' as const,
  };
  const balance = async (coop: string, account: string) => {
    const trial = await h.settlement.books.trialBalance(coop, {});
    const row = trial.rows.find((r) => r.account === account);
    return row ? row.debitBalanceMinor - row.creditBalanceMinor : 0n;
  };

  it('posts a deposit once however often it is delivered', async () => {
    const deposit = {
      ...holder(A),
      product: sukarela,
      amount: idr(500_000),
      via: 'cash',
      businessDate: '2026-11-27',
      externalId: null,
    };
    const id = await deliver('SavingsDeposited', deposit);
    await deliver('SavingsDeposited', deposit, id);
    expect(await balance(A, '1-110')).toBe(500_000n);
    expect(await balance(A, '2-110')).toBe(-500_000n);
  });

  it('posts interest and its withholding tax, and a transfer between a member’s accounts', async () => {
    await deliver('SavingsInterestPosted', {
      ...holder(A),
      product: sukarela,
      interest: idr(10_000),
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      basis: 'daily_balance',
      rateBasisPoints: 600,
      businessDate: '2026-10-31',
    });
    await deliver('SavingsInterestTaxWithheld', {
      ...holder(A),
      product: sukarela,
      tax: idr(1_000),
      businessDate: '2026-10-31',
      rateBasisPoints: 1000,
      monthlyThreshold: idr(240_000),
      source: 'PP 15/2009',
      months: [],
    });
    expect(await balance(A, '5-110')).toBe(10_000n);
    expect(await balance(A, '2-130')).toBe(-1_000n);
    await deliver('SavingsTransferred', {
      coopId: A,
      memberId: 'm-1',
      memberKind: 'person',
      memberCoopId: null,
      transferId: 'st-1',
      from: { accountId: 'acc-1', product: sukarela },
      to: {
        accountId: 'acc-2',
        product: { code: 'WAJIB', kind: 'wajib', classification: 'equity' },
      },
      amount: idr(50_000),
      businessDate: '2026-11-27',
    });
    expect(await balance(A, '3-200')).toBe(-50_000n);
  });

  it('takes a member coop’s deposits with its parent as its liquidity cover', async () => {
    await deliver('SavingsDeposited', {
      ...holder(P, A),
      product: sukarela,
      amount: idr(2_000_000),
      via: 'bank',
      businessDate: '2026-11-27',
      externalId: null,
    });
    const withdrawn = {
      ...holder(P, A),
      product: sukarela,
      amount: idr(300_000),
      via: 'bank',
      businessDate: '2026-11-27',
      reason: 'withdrawal',
      hold: null,
      externalId: null,
    };
    const id = await deliver('SavingsWithdrawn', withdrawn);
    await deliver('SavingsWithdrawn', withdrawn, id);
    expect(h.settlement.limits.view(A).currencies[0]!.liquidityCover).toEqual(idr(1_700_000));
    expect(await balance(P, '2-110')).toBe(-1_700_000n);
  });

  it('takes the cover to zero, not below, when the coop withdraws more than the cover stated', async () => {
    await deliver('SavingsDeposited', {
      ...holder(P, B),
      product: sukarela,
      amount: idr(2_000_000),
      via: 'bank',
      businessDate: '2026-11-27',
      externalId: null,
    });
    // The treasurer states less than the coop really holds with P…
    expect((await h.put(`/coops/${B}/liquidity-cover/IDR`, { amount: idr(500_000) })).status).toBe(
      200,
    );
    const withdrawn = {
      ...holder(P, B),
      product: sukarela,
      amount: idr(1_000_000),
      via: 'bank',
      businessDate: '2026-11-27',
      reason: 'withdrawal',
      hold: null,
      externalId: null,
    };
    const id = await deliver('SavingsWithdrawn', withdrawn);
    const coverOf = async () =>
      (await h.get(`/coops/${B}/limits`)).body.currencies[0].liquidityCover;
    expect(await coverOf()).toEqual(idr(0));
    // …and a later deposit counts in full; the withdrawal delivered again changes nothing.
    await deliver('SavingsDeposited', {
      ...holder(P, B),
      product: sukarela,
      amount: idr(300_000),
      via: 'bank',
      businessDate: '2026-11-27',
      externalId: null,
    });
    await deliver('SavingsWithdrawn', withdrawn, id);
    expect(await coverOf()).toEqual(idr(300_000));
  });

  it('leaves the cover alone when the member coop deposits with a coop other than its parent', async () => {
    await deliver('SavingsDeposited', {
      ...holder(B, A),
      product: sukarela,
      amount: idr(5_000_000),
      via: 'bank',
      businessDate: '2026-11-27',
      externalId: null,
    });
    // B holds the money, not A's parent P: it covers nothing A owes at P.
    expect(h.settlement.limits.view(A).currencies[0]!.liquidityCover).toEqual(idr(1_700_000));
    expect(await balance(B, '2-110')).toBe(-5_000_000n);
  });

  it('posts a loan’s life: disbursed into savings, interest accrued, repaid, provisioned', async () => {
    const loan = { loanId: 'l-1', coopId: A, memberId: 'm-1', productCode: 'PINJAMAN' };
    await deliver('LoanDisbursed', {
      ...loan,
      borrower: { kind: 'person' },
      origin: 'kopfed',
      principal: idr(1_000_000),
      fee: idr(10_000),
      netAmount: idr(990_000),
      via: { kind: 'savings', savingsAccountId: 'acc-1', productCode: 'SUKARELA' },
      method: 'EFFECTIVE',
      annualRatePercent: '18',
      termMonths: 12,
      graceMonths: 0,
      firstDueDate: '2026-12-27',
      maturityDate: '2027-11-27',
      disbursedOn: '2026-11-27',
    });
    // The savings service credits the payout and publishes it against the same account.
    await deliver('SavingsDeposited', {
      ...holder(A),
      product: sukarela,
      amount: idr(990_000),
      via: 'settlement_in_transit',
      businessDate: '2026-11-27',
      externalId: null,
    });
    expect(await balance(A, '1-170')).toBe(0n);
    expect(await balance(A, '1-140')).toBe(1_000_000n);
    await deliver('LoanInterestAccrued', {
      ...loan,
      interest: idr(15_000),
      accruedThrough: '2026-11-27',
    });
    await deliver('LoanRepaid', {
      ...loan,
      amount: idr(115_000),
      via: { kind: 'cash' },
      principal: idr(100_000),
      prepaidPrincipal: idr(0),
      interest: idr(0),
      accruedInterest: idr(15_000),
      penalty: idr(0),
      fee: idr(0),
      outstandingPrincipal: idr(900_000),
      paidOn: '2026-11-27',
      externalId: null,
    });
    await deliver('LoanProvisionAdded', {
      ...loan,
      amount: idr(4_500),
      provision: idr(4_500),
      kolektibilitas: 'L',
      effectiveOn: '2026-11-27',
    });
    expect(await balance(A, '1-140')).toBe(900_000n);
    expect(await balance(A, '1-150')).toBe(0n);
    expect(await balance(A, '1-141')).toBe(-4_500n);
    expect(await balance(A, '4-110')).toBe(-15_000n);
  });

  it('takes back a repayment from savings the savings service refused: its mirror, on its date', async () => {
    const loan = { loanId: 'l-2', coopId: A, memberId: 'm-1', productCode: 'PINJAMAN' };
    const fromSavings = { kind: 'savings', savingsAccountId: 'acc-1', productCode: 'SUKARELA' };
    await deliver('LoanDisbursed', {
      ...loan,
      borrower: { kind: 'person' },
      origin: 'kopfed',
      principal: idr(1_000_000),
      fee: idr(0),
      netAmount: idr(1_000_000),
      via: fromSavings,
      method: 'EFFECTIVE',
      annualRatePercent: '18',
      termMonths: 12,
      graceMonths: 0,
      firstDueDate: '2026-12-27',
      maturityDate: '2027-11-27',
      disbursedOn: '2026-11-27',
    });
    await deliver('SavingsDeposited', {
      ...holder(A),
      product: sukarela,
      amount: idr(1_000_000),
      via: 'settlement_in_transit',
      businessDate: '2026-11-27',
      externalId: null,
    });
    const before = { principal: await balance(A, '1-140'), inTransit: await balance(A, '1-170') };
    const parts = {
      principal: idr(100_000),
      interest: idr(12_000),
      accruedInterest: idr(0),
      penalty: idr(3_000),
      fee: idr(0),
    };
    await deliver('LoanRepaid', {
      ...loan,
      amount: idr(115_000),
      via: fromSavings,
      ...parts,
      prepaidPrincipal: idr(0),
      outstandingPrincipal: idr(900_000),
      paidOn: '2026-11-28',
      externalId: null,
    });
    // Booked against funds in transit, waiting for the savings service's debit…
    expect(await balance(A, '1-170')).toBe(before.inTransit + 115_000n);
    // …which never comes: savings refused, and the loan takes the repayment back.
    await deliver('LoanRepaymentReversed', {
      ...loan,
      repaymentId: '0193a3d0-2d3e-7f40-8a51-6b7c8d9e0f12',
      amount: idr(115_000),
      via: fromSavings,
      ...parts,
      prepaidPrincipal: idr(0),
      outstandingPrincipal: idr(1_000_000),
      paidOn: '2026-11-28',
      reason: 'insufficient-funds',
      reversedOn: '2026-11-29',
    });
    expect(await balance(A, '1-170')).toBe(before.inTransit);
    expect(await balance(A, '1-140')).toBe(before.principal);
    expect((await h.get(`/coops/${A}/books/unposted`)).body.items).toEqual([]);
  });

  it('keeps an event its ledger refuses (an unmapped product) for the treasurer, and retries it', async () => {
    await deliver('SavingsDeposited', {
      ...holder(A),
      product: { code: 'SIBUHAR', kind: 'sukarela', classification: 'liability' },
      amount: idr(1_000),
      via: 'cash',
      businessDate: '2026-11-27',
      externalId: null,
    });
    const unposted = await h.get(`/coops/${A}/books/unposted`);
    expect(unposted.body.items).toEqual([
      expect.objectContaining({ eventType: 'SavingsDeposited', code: 'product-not-mapped' }),
    ]);
    // A deposit of October, refused too: October cannot close without it.
    await deliver('SavingsDeposited', {
      ...holder(A),
      product: { code: 'SIBUHAR', kind: 'sukarela', classification: 'liability' },
      amount: idr(2_000),
      via: 'cash',
      businessDate: '2026-10-15',
      externalId: null,
    });
    const october = { period: { kind: 'month', month: '2026-10' } };
    expect((await h.post(`/coops/${A}/periods/close`, october)).body).toMatchObject({
      status: 409,
      code: 'period-has-unposted-events',
    });
    expect((await h.get(`/coops/${A}/chart`)).status).toBe(200);
    const mapping = (await h.get(`/coops/${A}/gl-mapping`)).body;
    for (const key of ['coopId', 'effectiveFrom', 'memberClearing']) delete mapping[key];
    mapping.savings.SIBUHAR = mapping.savings.SUKARELA;
    expect((await h.put(`/coops/${A}/gl-mapping/1900-01-01`, mapping)).status).toBe(200);
    await h.settlement.instance.closeOfBusiness!('2026-11-26');
    expect((await h.get(`/coops/${A}/books/unposted`)).body.items).toEqual([]);
    expect((await h.post(`/coops/${A}/periods/close`, october)).body).toMatchObject({
      closedThrough: '2026-10-31',
    });
  });
});
