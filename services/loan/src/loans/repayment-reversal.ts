import { Decision, provide, reclassify } from './close-of-day';
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
 * again on the schedule it had replaced, a loan it closed is active again, and the class and
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
  // As of the last close of business, as that close would have decided without the repayment;
  // before any close, the next one decides.
  const on = closedThrough(state);
  if (on !== null) {
    reclassify(d, on, command.policies);
    provide(d, on, command.policies);
  }
  return d.events;
}

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
