import { divideHalfUp } from '@kopfed/money';
import fc from 'fast-check';
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

  describe('a payoff recorded after closes of business that accrued past its date', () => {
    // Closed through 30 May: installment 1 (28 Feb) is 91 days past due, KL since that close;
    // the closes through 29 May (DPK) accrued 29 of installment 4's 31 days (30 Apr → 31 May).
    const kl = closeDays(disbursedLoan(), '2026-01-31', '2026-05-30');
    const payoffOn = (history: LoanEvent[], paidOn: string) =>
      BigInt(
        (refusal(history, repay(100_000_000n, paidOn)).details as PayoffDetails).payoffAmount
          .amount,
      );

    it('collects that accrual, and leaves no interest receivable on the closed loan', () => {
      expect(given(kl).kolektibilitas).toBe('KL');
      const paidOn = '2026-05-26'; // still DPK then
      const events = when(kl, repay(payoffOn(kl, paidOn), paidOn));
      const after = given([...kl, ...events]);
      expect(after.status).toBe('closed');
      expect(after.interestReceivable).toBe(0n);
      const repaid = events.find((e) => e.type === 'LoanRepaid')!;
      expect(repaid.data).toMatchObject({
        accruedInterest: given(kl).interestReceivable.toString(),
      });
    });

    it('closes any loan it pays off with no receivable, whatever the class and the date', () => {
      // One close of business a day from disbursement to 30 Sep (L, DPK, KL, D and M).
      const histories: LoanEvent[][] = [];
      let history = disbursedLoan();
      for (let d = '2026-01-31'; d <= '2026-09-30'; d = addDays(d, 1)) {
        history = closeDays(history, d, d);
        histories.push(history);
      }
      const drawn = fc.record({
        closedDays: fc.integer({ min: 0, max: histories.length - 1 }),
        daysBack: fc.integer({ min: -1, max: 45 }),
      });
      fc.assert(
        fc.property(drawn, ({ closedDays, daysBack }) => {
          const history = histories[closedDays]!;
          const state = given(history);
          // Not dated before an installment fell due that the accrual had already passed: such a
          // payoff leaves the next installment's accrual behind, performing or not (a known gap).
          const from = accrualReachedInto(state, history) ?? state.disbursedOn!;
          const back = addDays(addDays('2026-01-31', closedDays), -daysBack);
          const paidOn = back > from ? back : from;
          const events = when(history, repay(payoffOn(history, paidOn), paidOn));
          const after = given([...history, ...events]);
          expect(after.status).toBe('closed');
          expect(after.interestReceivable).toBe(0n);
          // Income recognised is the interest the borrower paid: nothing accrued is left standing.
          const paid = after.installments.reduce((sum, i) => sum + i.paidInterest, 0n);
          expect(after.interestRecognised).toBe(paid);
        }),
        { numRuns: 150 },
      );
    });
  });
});

type PayoffDetails = { payoffAmount: { amount: string } };

/** The start of the installment the latest accrual reached into (null before any accrual). */
function accrualReachedInto(state: LoanState, history: readonly LoanEvent[]): string | null {
  const accruals = history.filter((e) => e.type === 'LoanInterestAccrued');
  const last = accruals[accruals.length - 1];
  if (!last) return null;
  const through = last.data.accruedThrough;
  return state.installments.find((i) => i.dueDate > through)?.startDate ?? through;
}
