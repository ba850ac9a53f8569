import { invariant } from '@kopfed/domain';
import { Decimal } from '@kopfed/money';
import {
  dayPenalty,
  Decision,
  markOverdue,
  overdueOn,
  penaltyCharged,
  provide,
  reclassify,
} from './close-of-day';
import { closedThrough } from './late-charges';
import type { LoanCommand } from './loan-commands';
import { evolveLoan } from './loan-evolve';
import type { LoanEvent, LoanEventType } from './loan-events';
import { outstandingPrincipal, type LoanState } from './loan-state';

type RecordRepaymentRefused = Extract<LoanCommand, { type: 'RecordRepaymentRefused' }>;

/**
 * What recorded after a repayment builds on it, so that taking the repayment back alone would
 * leave the loan wrong: later payments were allocated over it, a restructuring or write-off
 * rolled its result forward, late charges were waived because of it.
 */
const BUILT_ON: ReadonlySet<LoanEventType> = new Set<LoanEventType>([
  'LoanRepaid',
  'LoanRestructured',
  'LoanWrittenOff',
  'LoanRecovered',
  'LoanLateChargesWaived',
  'LoanScheduleRecomputed',
  'LoanRepaymentReversed',
]);

/**
 * The loan books a repayment from savings when it asks savings to debit the account
 * (LoanRepaid via savings); savings debits it afterwards, or refuses (not enough available,
 * the account closed or frozen, dated before it opened: SavingsDebitRefused). A refused
 * repayment never happened, so it is taken back (LoanRepaymentReversed): what it paid is owed
 * again on the schedule it had replaced, a loan it closed is active again, what the closes of
 * business that counted it paid left out is charged (`chargeAgain`), and the class and
 * provision follow the loan as it now stands on its last close of business. A hold the
 * repayment shrank or released in savings stays as savings now has it. The books post the
 * reversal as the repayment's mirror. Later history that built on the repayment (another
 * repayment, a restructuring, a write-off, late charges it waived) cannot be undone here: the
 * failure is recorded (LoanRepaymentFailed) for staff to settle, and the loan is left as is.
 * A refusal of a repayment the loan has no record of, of another account's, or one recorded
 * already, is nothing to the loan.
 */
export function recordRepaymentRefused(
  command: RecordRepaymentRefused,
  state: LoanState,
): LoanEvent[] {
  const repaid = command.repayment;
  if (
    repaid === null ||
    repaid.via.kind !== 'savings' ||
    repaid.via.savingsAccountId !== command.savingsAccountId ||
    state.failedRepayments.some((f) => f.repaymentId === command.repaymentId)
  )
    return [];
  const refusal = {
    repaymentId: command.repaymentId,
    amount: repaid.amount,
    paidOn: repaid.paidOn,
    reason: command.reason,
    detail: command.detail,
    refusedOn: command.refusedOn,
  };
  const own = command.later[0]?.type === 'LoanScheduleRecomputed' ? command.later[0] : undefined;
  const blocking = command.later.find((e) => e !== own && BUILT_ON.has(e.type));
  if (blocking || (state.status !== 'active' && state.status !== 'closed'))
    return [
      {
        type: 'LoanRepaymentFailed',
        data: { ...refusal, blockedBy: blocking?.type ?? state.status },
      },
    ];
  const fromNumber = own?.type === 'LoanScheduleRecomputed' ? own.data.fromNumber : null;
  const reversal = (outstanding: bigint): LoanEvent => ({
    type: 'LoanRepaymentReversed',
    data: {
      ...refusal,
      via: repaid.via,
      penalty: repaid.penalty,
      fee: repaid.fee,
      interest: repaid.interest,
      accruedInterest: repaid.accruedInterest,
      principal: repaid.principal,
      prepaidPrincipal: repaid.prepaidPrincipal,
      applied: repaid.applied,
      restoredSchedule:
        fromNumber === null
          ? null
          : {
              fromNumber,
              installments: command.scheduleBefore.filter((i) => i.number >= fromNumber),
            },
      reopened: state.status === 'closed',
      outstandingPrincipal: outstanding.toString(),
    },
  });
  // The outstanding principal it leaves is the schedule's once restored.
  const d = new Decision(state);
  d.emit(reversal(outstandingPrincipal(evolveLoan(state, reversal(0n)))));
  chargeAgain(d, state, command.closedSince, command.repaymentId);
  // As of the last close of business, as that close would have decided without the repayment;
  // before any close, the next one decides.
  const closed = closedThrough(state);
  const last = command.closedSince.at(-1);
  const on = last !== undefined && (closed === null || last > closed) ? last : closed;
  if (on !== null) {
    reclassify(d, on, command.policies);
    provide(d, on, command.policies);
  }
  return d.events;
}

/**
 * The closes of business of `days` counted the repayment paid (`counted`: the loan as they saw
 * it), so the installments it covered fell overdue on none of them. Taken back, each day is
 * charged what its close would have charged without it, as of that day and in its events:
 * overdue marks with their late fees, and the penalty on what was overdue beyond what the close
 * charged for, added to the exact running total as close-of-day adds it. A day charged in full
 * already has nothing to add. Each charge names the repayment (`reversalOf`).
 */
function chargeAgain(
  d: Decision,
  counted: LoanState,
  days: readonly string[],
  repaymentId: string,
): void {
  invariant(days.length <= MAX_DAYS_CHARGED_AGAIN, `${days.length} closes to charge again`);
  const rate = counted.terms!.penaltyPercentPerDay;
  for (const day of days) {
    if (day < d.state.disbursedOn!) continue;
    markOverdue(d, day, repaymentId);
    if (Decimal.parse(rate).isZero()) continue;
    const owed = overdueOn(d.state.installments, day);
    const seen = overdueOn(counted.installments, day);
    // Taking a payment back leaves no installment owing less than with it.
    invariant(owed >= seen, `the reversal of ${repaymentId} lowered what was overdue on ${day}`);
    if (owed === seen) continue;
    const exact = dayPenalty(owed, rate).minus(dayPenalty(seen, rate));
    d.emit(penaltyCharged(d.state, day, owed - seen, exact, repaymentId));
  }
}

/**
 * The business dates whose closes counted a repayment paid, oldest first: those after the last
 * close the loan had recorded before it (`closedBefore`) — closed by the calendar (`calendar`),
 * or named by the loan's own close events recorded after it (`later`), which a close still
 * finishing has not put in the calendar yet.
 */
export function closesAfter(
  calendar: readonly string[],
  closedBefore: string | null,
  later: readonly LoanEvent[],
): string[] {
  const dates = new Set(calendar);
  for (const e of later) {
    if (e.type === 'LoanInterestAccrued') dates.add(e.data.accruedThrough);
    else if (e.type === 'LoanPenaltyCharged' && e.data.reversalOf === undefined)
      dates.add(e.data.chargedFor);
    else if (e.type === 'LoanInstallmentOverdue' && e.data.reversalOf === undefined)
      dates.add(e.data.overdueOn);
  }
  return [...dates].filter((date) => closedBefore === null || date > closedBefore).sort();
}

/** Closes a refusal that comes this late charges again, at most (ten years of business dates). */
export const MAX_DAYS_CHARGED_AGAIN = 3_660;

/**
 * A written-off loan's recovery from savings that savings refused to debit never came: the claim
 * is open by its amount again (LoanRecoveryReversed), which the books post as the recovery's
 * mirror. Later recoveries are bounded by the claim, so none builds on it. One the loan has no
 * record of, from another account, or recorded already, is nothing to the loan.
 */
export function recordRecoveryRefused(
  command: Extract<LoanCommand, { type: 'RecordRecoveryRefused' }>,
  state: LoanState,
): LoanEvent[] {
  const recovery = command.recovery;
  if (
    recovery === null ||
    state.writtenOff === null ||
    recovery.via.kind !== 'savings' ||
    recovery.via.savingsAccountId !== command.savingsAccountId ||
    state.failedRepayments.some((f) => f.repaymentId === command.recoveryId)
  )
    return [];
  return [
    {
      type: 'LoanRecoveryReversed',
      data: {
        recoveryId: command.recoveryId,
        amount: recovery.amount,
        via: recovery.via,
        recoveredOn: recovery.recoveredOn,
        reason: command.reason,
        detail: command.detail,
        refusedOn: command.refusedOn,
      },
    },
  ];
}
