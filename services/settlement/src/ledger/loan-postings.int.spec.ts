import { v7 as uuidv7 } from 'uuid';
import type { EventName } from '@kopfed/contracts';
import { expectBooksBalance } from '../testing/books';
import { A, idr, settlementHarness, type Harness } from '../testing/harness';
import { deliverEvent } from '../testing/deliver';

describe('a loan’s repayment or recovery taken back after its month closed', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await settlementHarness();
    const opening = await h.post(`/coops/${A}/journal-entries`, {
      entryId: 'open-1',
      businessDate: '2026-10-01',
      description: 'Saldo awal',
      lines: [
        { account: '1-110', debit: idr(5_000_000) },
        { account: '3-300', credit: idr(5_000_000) },
      ],
    });
    expect(opening.status).toBe(201);
  });
  afterAll(async () => {
    await expectBooksBalance(h.settlement, [A]);
    await h.close();
  });

  const deliver = (name: EventName, data: unknown) => deliverEvent(h.settlement, name, data);

  const balance = async (coop: string, account: string) => {
    const trial = await h.settlement.books.trialBalance(coop, {});
    const row = trial.rows.find((r) => r.account === account);
    return row ? row.debitBalanceMinor - row.creditBalanceMinor : 0n;
  };
  const postedOn = async (eventId: string) =>
    (await h.settlement.ledgers.journal(A)).find((e) => e.source.eventId === eventId)?.businessDate;

  const loan = { loanId: 'l-9', coopId: A, memberId: 'm-1', productCode: 'PINJAMAN' };
  const fromSavings = { kind: 'savings', savingsAccountId: 'acc-1', productCode: 'SUKARELA' };
  const parts = {
    principal: idr(100_000),
    prepaidPrincipal: idr(0),
    interest: idr(12_000),
    accruedInterest: idr(0),
    penalty: idr(0),
    fee: idr(0),
  };

  it('books a repayment and a recovery from savings in October, then closes October', async () => {
    await deliver('LoanDisbursed', {
      ...loan,
      borrower: { kind: 'person' },
      origin: 'kopfed',
      principal: idr(1_000_000),
      fee: idr(0),
      netAmount: idr(1_000_000),
      via: { kind: 'cash' },
      method: 'EFFECTIVE',
      annualRatePercent: '18',
      termMonths: 12,
      graceMonths: 0,
      firstDueDate: '2026-11-02',
      maturityDate: '2027-10-02',
      disbursedOn: '2026-10-02',
    });
    await deliver('LoanRepaid', {
      ...loan,
      amount: idr(112_000),
      via: fromSavings,
      ...parts,
      outstandingPrincipal: idr(900_000),
      paidOn: '2026-10-31',
      externalId: null,
    });
    await deliver('LoanRecovered', {
      ...loan,
      loanId: 'l-8',
      amount: idr(50_000),
      via: fromSavings,
      recoveredOn: '2026-10-31',
    });
    expect(await balance(A, '1-170')).toBe(162_000n);
    expect(await balance(A, '1-140')).toBe(900_000n);
    const closed = await h.post(`/coops/${A}/periods/close`, {
      period: { kind: 'month', month: '2026-10' },
    });
    expect(closed.body).toMatchObject({ closedThrough: '2026-10-31' });
  });

  it('posts the repayment’s mirror on the day savings refused it: its own date is closed', async () => {
    const reversal = await deliver('LoanRepaymentReversed', {
      ...loan,
      repaymentId: uuidv7(),
      amount: idr(112_000),
      via: fromSavings,
      ...parts,
      outstandingPrincipal: idr(1_000_000),
      paidOn: '2026-10-31',
      reason: 'insufficient-funds',
      reversedOn: '2026-11-02',
    });
    await h.settlement.instance.closeOfBusiness!('2026-11-02');
    expect((await h.get(`/coops/${A}/books/unposted`)).body.items).toEqual([]);
    expect(await postedOn(reversal)).toBe('2026-11-02');
    expect(await balance(A, '1-170')).toBe(50_000n);
    expect(await balance(A, '1-140')).toBe(1_000_000n);
  });

  it('posts the recovery’s mirror on the day savings refused it, too', async () => {
    const reversal = await deliver('LoanRecoveryReversed', {
      ...loan,
      loanId: 'l-8',
      recoveryId: uuidv7(),
      amount: idr(50_000),
      via: fromSavings,
      recoveredOn: '2026-10-31',
      reason: 'insufficient-funds',
      reversedOn: '2026-11-03',
    });
    expect((await h.get(`/coops/${A}/books/unposted`)).body.items).toEqual([]);
    expect(await postedOn(reversal)).toBe('2026-11-03');
    expect(await balance(A, '1-170')).toBe(0n);
  });

  it('still posts a mirror on its original’s date while that date is open', async () => {
    await deliver('LoanRepaid', {
      ...loan,
      amount: idr(112_000),
      via: fromSavings,
      ...parts,
      outstandingPrincipal: idr(900_000),
      paidOn: '2026-11-20',
      externalId: null,
    });
    const reversal = await deliver('LoanRepaymentReversed', {
      ...loan,
      repaymentId: uuidv7(),
      amount: idr(112_000),
      via: fromSavings,
      ...parts,
      outstandingPrincipal: idr(1_000_000),
      paidOn: '2026-11-20',
      reason: 'insufficient-funds',
      reversedOn: '2026-11-23',
    });
    expect(await postedOn(reversal)).toBe('2026-11-20');
    expect(await balance(A, '1-170')).toBe(0n);
  });
});
