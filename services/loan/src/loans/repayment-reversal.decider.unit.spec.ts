import { addDays } from '../shared/dates';
import { disbursedLoan, given, run, types } from '../testing/loan-fixtures';
import { refusal, when } from '../testing/refusal';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import { closesAfter } from './repayment-reversal';

const fromSavings = {
  kind: 'savings',
  savingsAccountId: 'sav-1',
  productCode: 'SUKARELA',
} as const;
const fromSavingsOn = (amount: bigint, paidOn: string): LoanCommand => ({
  type: 'RepayLoan',
  amount,
  paidOn,
  via: fromSavings,
  receivedBy: 'key-teller',
  externalId: null,
});
const datesFrom = (from: string, to: string): string[] => {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
};
const closeDays = (events: LoanEvent[], from: string, to: string) =>
  run(
    datesFrom(from, to).map((businessDate) => ({ type: 'CloseBusinessDay', businessDate })),
    events,
  ).events;
/** Savings' refusal of the repayment in `repayment`, after `later`, with the dates closed since. */
const refused = (
  before: LoanEvent[],
  repayment: LoanEvent[],
  later: LoanEvent[],
  closedSince: string[],
): LoanCommand => {
  const at = repayment.findIndex((e) => e.type === 'LoanRepaid');
  return {
    type: 'RecordRepaymentRefused',
    repaymentId: 'repayment-1',
    savingsAccountId: 'sav-1',
    reason: 'insufficient-funds',
    detail: 'not enough available',
    refusedOn: closedSince.at(-1) ?? '2026-03-04',
    repayment: repayment[at]!.data as Extract<LoanEvent, { type: 'LoanRepaid' }>['data'],
    scheduleBefore: given(before).installments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      principal: i.principal.toString(),
      interest: i.interest.toString(),
    })),
    later: [...repayment.slice(at + 1), ...later],
    closedSince,
  };
};
/** What closes of business charge and decide: the late charges, the class and provision. */
const charged = (events: LoanEvent[]) => {
  const s = given(events);
  return {
    status: s.status,
    penaltyDue: s.penaltyDue,
    feeDue: s.feeDue,
    penaltyAccrued: s.penaltyAccrued,
    penaltyChargedThrough: s.penaltyChargedThrough,
    overdue: s.installments.filter((i) => i.overdue).map((i) => i.number),
    installments: s.installments.map(({ overdue: _, ...i }) => i),
    kolektibilitas: s.kolektibilitas,
    provision: s.provision,
  };
};
const loan = disbursedLoan();
// Installment 1 falls due on 2026-02-28; the closes through 2026-02-26 ran before the repayment.
const before = closeDays(loan, '2026-01-31', '2026-02-26');
// The loan had it never been repaid: three closes after the due date (DPK, 3 days past due).
const neverRepaid = closeDays(before, '2026-02-27', '2026-03-03');
const first = given(before).installments[0]!;
const installmentOne = first.principal + first.interest;

describe('loan decider: a repayment taken back after closes of business counted it', () => {
  it('charges the late fee, three days of penalty and the overdue mark of a loan never repaid', () => {
    expect(charged(neverRepaid)).toMatchObject({
      feeDue: 25_000n,
      overdue: [1],
      kolektibilitas: 'DPK',
    });
    expect(given(neverRepaid).penaltyDue).toBeGreaterThan(0n);
    // Paid on its due date, installment 1 never fell overdue while the closes counted it paid.
    const repayment = when(before, fromSavingsOn(installmentOne, '2026-02-28'));
    const paid = [...before, ...repayment];
    const closes = closeDays(paid, '2026-02-27', '2026-03-03').slice(paid.length);
    expect(charged([...paid, ...closes])).toMatchObject({ feeDue: 0n, penaltyDue: 0n });

    const reversal = when(
      [...paid, ...closes],
      refused(before, repayment, closes, datesFrom('2026-02-27', '2026-03-03')),
    );
    const after = [...paid, ...closes, ...reversal];
    expect(types(reversal)).toEqual([
      'LoanRepaymentReversed',
      'LoanInstallmentOverdue',
      'LoanFeeCharged',
      'LoanPenaltyCharged',
      'LoanPenaltyCharged',
      'LoanPenaltyCharged',
      'LoanReclassified',
      'LoanProvisionAdded',
    ]);
    expect(reversal[1]).toMatchObject({
      data: { number: 1, overdueOn: '2026-03-01', reversalOf: 'repayment-1' },
    });
    expect(
      reversal.filter((e) => e.type === 'LoanPenaltyCharged').map((e) => e.data.chargedFor),
    ).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(reversal.at(-2)).toMatchObject({
      data: { from: 'L', to: 'DPK', daysPastDue: 3, reclassifiedOn: '2026-03-03' },
    });
    expect(charged(after)).toEqual(charged(neverRepaid));
    // Told again: nothing more, and the next close charges the fourth day as for any loan.
    expect(when(after, refused(before, repayment, [...closes, ...reversal], []))).toEqual([]);
    expect(charged(closeDays(after, '2026-03-04', '2026-03-04'))).toEqual(
      charged(closeDays(neverRepaid, '2026-03-04', '2026-03-04')),
    );
  });

  it('leaves the days it charged again as charged for a repayment dated among them', () => {
    const repayment = when(before, fromSavingsOn(installmentOne, '2026-02-28'));
    const paid = [...before, ...repayment];
    const closes = closeDays(paid, '2026-02-27', '2026-03-03').slice(paid.length);
    const history = [...paid, ...closes];
    const reversal = when(
      history,
      refused(before, repayment, closes, datesFrom('2026-02-27', '2026-03-03')),
    );
    const after = [...history, ...reversal];
    // Paid in cash on 2026-03-01 after all, entered now: allocated as recorded, nothing waived.
    const cash = when(after, {
      type: 'RepayLoan',
      amount: installmentOne,
      paidOn: '2026-03-01',
      via: { kind: 'cash' },
      receivedBy: 'key-teller',
      externalId: null,
    });
    expect(types(cash)).not.toContain('LoanLateChargesWaived');
    expect(cash[0]).toMatchObject({
      type: 'LoanRepaid',
      data: { penalty: given(after).penaltyDue.toString(), fee: '25000' },
    });
  });

  it('charges the difference on days the closes charged less: a prepayment before the due date', () => {
    // Dated before the due date it prepays: installment 1 is smaller, yet still falls overdue.
    const repayment = when(before, fromSavingsOn(3_000_000n, '2026-02-27'));
    expect(types(repayment)).toContain('LoanScheduleRecomputed');
    const paid = [...before, ...repayment];
    const closes = closeDays(paid, '2026-02-27', '2026-03-03').slice(paid.length);
    const partly = charged([...paid, ...closes]);
    expect(partly).toMatchObject({ feeDue: 25_000n, overdue: [1] });
    expect(partly.penaltyDue).toBeGreaterThan(0n);
    expect(partly.penaltyDue).toBeLessThan(given(neverRepaid).penaltyDue);

    const reversal = when(
      [...paid, ...closes],
      refused(before, repayment, closes, datesFrom('2026-02-27', '2026-03-03')),
    );
    // The mark and its fee stand; only the penalties' difference is charged.
    expect(types(reversal)).not.toContain('LoanInstallmentOverdue');
    expect(types(reversal)).not.toContain('LoanFeeCharged');
    expect(charged([...paid, ...closes, ...reversal])).toEqual(charged(neverRepaid));
  });

  it('charges the closes a refused payoff kept the closed loan out of', () => {
    const payoff = refusal(before, fromSavingsOn(100_000_000n, '2026-02-27')).details!;
    const amount = BigInt((payoff.payoffAmount as { amount: string }).amount);
    const repayment = when(before, fromSavingsOn(amount, '2026-02-27'));
    expect(types(repayment)).toContain('LoanClosed');
    const paid = [...before, ...repayment];
    // A closed loan is not examined: the closes decided nothing for it.
    expect(closeDays(paid, '2026-02-27', '2026-03-03')).toEqual(paid);
    const reversal = when(
      paid,
      refused(before, repayment, [], datesFrom('2026-02-27', '2026-03-03')),
    );
    expect(charged([...paid, ...reversal])).toEqual(charged(neverRepaid));
  });

  it('charges the closes after the last one before the repayment, calendar or not', () => {
    const repayment = when(before, fromSavingsOn(installmentOne, '2026-02-28'));
    const paid = [...before, ...repayment];
    const closes = closeDays(paid, '2026-02-27', '2026-03-03').slice(paid.length);
    const closedBefore = given(before).lateCharges!.closedThrough;
    expect(closedBefore).toBe('2026-02-26');
    // The calendar has not recorded 2026-03-03 yet: the loan's own close events name it.
    const calendar = datesFrom('2026-02-20', '2026-03-02');
    const days = closesAfter(calendar, closedBefore, [...repayment, ...closes]);
    expect(days).toEqual(datesFrom('2026-02-27', '2026-03-03'));
    const reversal = when([...paid, ...closes], refused(before, repayment, closes, days));
    expect(charged([...paid, ...closes, ...reversal])).toEqual(charged(neverRepaid));
  });
});
