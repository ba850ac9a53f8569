import { conflict, unreachable, type Decider } from '@kopfed/domain';
import { closeBusinessDay } from './close-of-day';
import type { LoanCommand } from './loan-commands';
import { evolveLoan } from './loan-evolve';
import type { LoanEvent } from './loan-events';
import { initialLoanState, type LoanState } from './loan-state';
import { recordHoldRefused } from './hold-refusal';
import { apply, approve, disburse, recordHold, recordHoldEnded, reject } from './origination';
import { repay } from './repayment';
import { recordRecoveryRefused, recordRepaymentRefused } from './repayment-reversal';
import { restructure } from './restructuring';
import { recover, writeOff } from './write-off';

/**
 * A loan from application to closing or write-off. Pure: the handler brings the product, the
 * borrower's standing in the federation, the dates and the actors in the command.
 */
export const loanDecider: Decider<LoanState, LoanCommand, LoanEvent> = {
  initialState: initialLoanState,
  evolve: evolveLoan,
  decide(command, state) {
    switch (command.type) {
      case 'ApplyForLoan':
        return [apply(command, state, 'kopfed')];
      case 'ImportLoan':
        return importLoan(command, state);
      case 'ApproveLoan':
        return approve(command, state);
      case 'RejectLoan':
        return reject(command, state);
      case 'RecordCollateralHold':
        return recordHold(command, state);
      case 'RecordCollateralHoldEnded':
        return recordHoldEnded(command, state);
      case 'RecordCollateralHoldRefused':
        return recordHoldRefused(command, state);
      case 'DisburseLoan':
        return disburse(command, state);
      case 'RepayLoan':
        return repay(command, state);
      case 'RestructureLoan':
        return restructure(command, state);
      case 'WriteOffLoan':
        return writeOff(command, state);
      case 'RecordRecovery':
        return recover(command, state);
      case 'RecordRepaymentRefused':
        return recordRepaymentRefused(command, state);
      case 'RecordRecoveryRefused':
        return recordRecoveryRefused(command, state);
      case 'CloseBusinessDay':
        return closeBusinessDay(state, command.businessDate, command.policies);
      default:
        return unreachable(command, 'loan command');
    }
  },
};

type ImportLoan = Extract<LoanCommand, { type: 'ImportLoan' }>;

/**
 * The savings account and hold a secured synced loan names (an unsecured one's account is not
 * used, then or now). The amount held is not compared: repayments reduce it, so the state no
 * longer has the amount first placed.
 */
function sameCollateral(state: LoanState, command: ImportLoan): boolean {
  const collateral = state.collateral;
  if (collateral === null) return true;
  return (
    collateral.savingsAccountId === command.collateralSavingsAccountId &&
    collateral.holdId === (command.heldCollateral?.holdId ?? null)
  );
}

/** A synced loan: the same loan again is nothing new; different terms are a conflict. */
function importLoan(command: ImportLoan, state: LoanState): LoanEvent[] {
  if (state.status !== 'none') {
    const same =
      state.memberId === command.memberId &&
      state.productCode === command.productCode &&
      state.principal === command.principal &&
      state.termMonths === command.termMonths &&
      state.graceMonths === command.graceMonths &&
      state.appliedOn === command.appliedOn &&
      sameCollateral(state, command);
    if (same) return [];
    throw conflict(
      'loan_terms_differ',
      'this external id names a loan with other terms; change a loan by restructuring it',
    );
  }
  const applied = apply(command, state, 'sync');
  const events: LoanEvent[] = [
    applied,
    {
      type: 'LoanApproved',
      data: { approvedBy: command.approvedBy, approvedOn: command.appliedOn },
    },
  ];
  if (applied.type === 'LoanApplied' && applied.data.collateral) {
    if (
      !command.heldCollateral ||
      command.heldCollateral.amount < BigInt(applied.data.collateral.required)
    )
      throw conflict(
        'collateral_not_held',
        `the product requires a savings hold of ${applied.data.collateral.required}`,
      );
    events.push({
      type: 'LoanCollateralHoldPlaced',
      data: {
        holdId: command.heldCollateral.holdId,
        savingsAccountId: applied.data.collateral.savingsAccountId,
        amount: command.heldCollateral.amount.toString(),
        placedOn: command.appliedOn,
      },
    });
  }
  return events;
}
