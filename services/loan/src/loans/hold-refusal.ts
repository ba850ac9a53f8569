import type { LoanCommand } from './loan-commands';
import type { LoanEvent } from './loan-events';
import type { LoanState } from './loan-state';

/**
 * The savings service refused the hold an approved loan asked for (insufficient available
 * balance, the account closed, …): the loan records that its collateral is not secured, so it
 * is not paid out (`collateral_refused`) until a hold is placed after all — staff place it in
 * savings under the loan id, and SavingsHoldPlaced secures the loan as usual — or the loan is
 * rejected. A refusal of another hold or account, one for a loan no longer waiting to be paid
 * out, one already recorded, or one that comes after the hold was placed, is nothing to the loan.
 */
export function recordHoldRefused(
  command: Extract<LoanCommand, { type: 'RecordCollateralHoldRefused' }>,
  state: LoanState,
): LoanEvent[] {
  const collateral = state.collateral;
  if (
    !collateral ||
    state.status !== 'approved' ||
    command.holdId !== state.loanId ||
    command.savingsAccountId !== collateral.savingsAccountId ||
    collateral.held > 0n ||
    collateral.refused !== null
  )
    return [];
  return [
    {
      type: 'LoanCollateralHoldRefused',
      data: {
        holdId: command.holdId,
        savingsAccountId: command.savingsAccountId,
        amount: command.amount.toString(),
        reason: command.reason,
        detail: command.detail,
        refusedOn: command.refusedOn,
      },
    },
  ];
}
