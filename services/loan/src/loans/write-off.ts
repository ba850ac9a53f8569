import { conflict, rejected } from '@kopfed/domain';
import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import {
  earnedUnbilledInterest,
  outstandingPrincipal,
  unpaidInterest,
  type LoanState,
} from './loan-state';
import { notBeforeRecorded } from './repayment';

type Command<T extends LoanCommand['type']> = Extract<LoanCommand, { type: T }>;

/**
 * Write-off (hapus buku) of a doubtful or lost loan: the allowance is first topped up to the
 * whole outstanding principal, then the principal is charged against it and the accrued
 * interest reversed. The debt stands: later recoveries are income. A savings hold must be
 * used (a repayment from the held savings) or released first.
 */
export function writeOff(command: Command<'WriteOffLoan'>, state: LoanState): LoanEvent[] {
  if (state.status !== 'active')
    throw conflict(
      'loan_not_active',
      `the loan is ${state.status}; only an active loan is written off`,
    );
  if (state.kolektibilitas !== 'D' && state.kolektibilitas !== 'M')
    throw rejected(
      'write_off_not_allowed',
      `only a Diragukan or Macet loan is written off; this one is ${state.kolektibilitas}`,
    );
  if (state.collateral && state.collateral.held > 0n)
    throw conflict(
      'collateral_hold_in_place',
      'repay from the held savings (or release the hold) before writing the loan off',
    );
  const on = command.writtenOffOn;
  if (on < state.disbursedOn!)
    throw rejected(
      'written_off_before_disbursed',
      'a loan is written off after its disbursement',
      '/writtenOffOn',
    );
  notBeforeRecorded(state, on, '/writtenOffOn');
  const principal = outstandingPrincipal(state);
  const billedInterest = state.installments
    .filter((i) => i.dueDate <= on)
    .reduce((sum, i) => sum + unpaidInterest(i), 0n);
  // Interest owed now, as a payoff would collect it: billed, and earned on the one in progress.
  const inProgress = state.installments.find((i) => i.dueDate > on);
  const owedInterest =
    billedInterest +
    (inProgress ? earnedUnbilledInterest(state, inProgress, billedInterest, on) : 0n);
  const unaccrued = owedInterest - state.interestReceivable;
  const events: LoanEvent[] = [];
  if (principal > state.provision)
    events.push({
      type: 'LoanProvisionAdded',
      data: {
        amount: (principal - state.provision).toString(),
        provision: principal.toString(),
        kolektibilitas: state.kolektibilitas,
        effectiveOn: on,
      },
    });
  events.push({
    type: 'LoanWrittenOff',
    data: {
      principal: principal.toString(),
      accruedInterest: state.interestReceivable.toString(),
      unaccruedInterest: (unaccrued > 0n ? unaccrued : 0n).toString(),
      penalty: state.penaltyDue.toString(),
      fee: state.feeDue.toString(),
      writtenOffOn: on,
      writtenOffBy: command.writtenOffBy,
      reason: command.reason,
    },
  });
  return events;
}

export function recover(command: Command<'RecordRecovery'>, state: LoanState): LoanEvent[] {
  const written = state.writtenOff;
  if (state.status !== 'written_off' || !written)
    throw conflict('loan_not_written_off', 'recoveries are recorded on written-off loans');
  if (command.recoveredOn < written.writtenOffOn)
    throw rejected(
      'recovered_before_write_off',
      'a recovery follows the write-off',
      '/recoveredOn',
    );
  const open = written.claim - written.recovered;
  if (command.amount > open)
    throw rejected(
      'recovery_exceeds_claim',
      `only ${open} of the written-off claim is still open`,
      '/amount/amount',
      { openClaim: { amount: open.toString(), currency: 'IDR' } },
    );
  return [
    {
      type: 'LoanRecovered',
      data: {
        amount: command.amount.toString(),
        via: command.via,
        recoveredOn: command.recoveredOn,
        recordedBy: command.recordedBy,
      },
    },
  ];
}
