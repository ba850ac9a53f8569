import { divideHalfUp } from '@kopfed/money';
import { addDays, daysBetween } from '../shared/dates';
import { disbursedLoan, given, run, types } from '../testing/loan-fixtures';
import { refusal, when } from '../testing/refusal';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import { billedUnpaid, outstandingPrincipal, type LoanState } from './loan-state';
import { payoffAmount } from './views';

const closeDays = (events: LoanEvent[], from: string, to: string) => {
  const commands: LoanCommand[] = [];
  for (let d = from; d <= to; d = addDays(d, 1))
    commands.push({ type: 'CloseBusinessDay', businessDate: d });
  return run(commands, events).events;
};
/** The in-progress installment's interest earned by `on`, pro rata by day. */
const earnedInProgress = (state: LoanState, on: string) => {
  const i = state.installments.find((x) => x.dueDate > on)!;
  return divideHalfUp(
    i.interest * BigInt(daysBetween(i.startDate, on)),
    BigInt(daysBetween(i.startDate, i.dueDate)),
  );
};
const repay = (amount: bigint, paidOn: string): LoanCommand => ({
  type: 'RepayLoan',
  amount,
  paidOn,
  via: { kind: 'cash' },
  receivedBy: 'key-teller',
  externalId: null,
});

// Rp10,000,000, 12 months, 12% annuity, disbursed 31 Jan 2026 and never paid: on 15 June the
// first installment (28 Feb) is 107 days past due, KL, and accrues nothing.
const on = '2026-06-15';
const kurangLancar = closeDays(disbursedLoan(), '2026-01-31', addDays(on, -1));

describe('loan decider: paying off a non-performing loan (KL, D, M earn interest when paid)', () => {
  it('collects the interest earned on the installment in progress, pro rata by day', () => {
    const state = given(kurangLancar);
    expect(state.kolektibilitas).toBe('KL');
    const inProgress = state.installments.find((i) => i.dueDate > on)!;
    expect(inProgress).toMatchObject({ number: 5, startDate: '2026-05-31', dueDate: '2026-06-30' });
    const billed = billedUnpaid(state, on);
    const unbilledInterest =
      payoffAmount(state, on) -
      (state.penaltyDue + state.feeDue + billed.interest + outstandingPrincipal(state));
    expect(unbilledInterest).toBe((inProgress.interest * 15n + 15n) / 30n);
    expect(unbilledInterest).toBe(33_992n);
  });

  it('accepts the full payoff, closes the loan, and books the unaccrued interest as cash income', () => {
    const state = given(kurangLancar);
    const payoff = payoffAmount(state, on);
    expect(refusal(kurangLancar, repay(payoff + 1n, on)).code).toBe('repayment_exceeds_payoff');
    const events = when(kurangLancar, repay(payoff, on));
    expect(types(events)).toEqual([
      'LoanRepaid',
      'LoanScheduleRecomputed',
      'LoanProvisionReleased',
      'LoanClosed',
    ]);
    const repaid = events[0]!.data as Extract<LoanEvent, { type: 'LoanRepaid' }>['data'];
    const billed = billedUnpaid(state, on);
    const interestPaid = billed.interest + 33_992n;
    // The receivable (accrued while performing) is settled; the rest is income received in cash.
    expect(repaid.accruedInterest).toBe(state.interestReceivable.toString());
    expect(BigInt(repaid.interest)).toBe(interestPaid - state.interestReceivable);
    expect(repaid.principal).toBe('10000000');
    const after = given([...kurangLancar, ...events]);
    expect(after).toMatchObject({ status: 'closed', interestReceivable: 0n });
    expect(after.interestRecognised).toBe(state.interestRecognised + BigInt(repaid.interest));
    expect(after.installments.find((i) => i.number === 5)).toMatchObject({
      interest: 33_992n,
      paidInterest: 33_992n,
    });
  });

  it('a partial prepayment collects that interest first', () => {
    const state = given(kurangLancar);
    const billed = billedUnpaid(state, on);
    const dues = state.penaltyDue + state.feeDue + billed.interest + billed.principal;
    const events = when(kurangLancar, repay(dues + 33_992n + 1_000_000n, on));
    expect(events[0]).toMatchObject({
      data: {
        prepaidPrincipal: '1000000',
        applied: expect.arrayContaining([{ number: 5, principal: '1000000', interest: '33992' }]),
      },
    });
  });

  it('claims it on write-off, as unaccrued interest', () => {
    // 15 July: installment 1 is 137 days past due, D; installment 6 (30 Jun → 31 Jul) in progress.
    const writeOffOn = '2026-07-15';
    const diragukan = closeDays(kurangLancar, on, addDays(writeOffOn, -1));
    const state = given(diragukan);
    expect(state.kolektibilitas).toBe('D');
    const earned = earnedInProgress(state, writeOffOn);
    expect(earned).toBeGreaterThan(0n);
    const events = when(diragukan, {
      type: 'WriteOffLoan',
      writtenOffOn: writeOffOn,
      writtenOffBy: 'key-board',
      reason: 'diragukan',
    });
    const billed = billedUnpaid(state, writeOffOn);
    expect(events[1]).toMatchObject({
      type: 'LoanWrittenOff',
      data: {
        accruedInterest: state.interestReceivable.toString(),
        unaccruedInterest: (billed.interest + earned - state.interestReceivable).toString(),
      },
    });
    expect(given([...diragukan, ...events]).writtenOff!.claim).toBe(
      outstandingPrincipal(state) + billed.interest + earned + state.penaltyDue + state.feeDue,
    );
  });
});
