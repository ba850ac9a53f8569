/**
 * The loan service's integration events: one file per event (see ../member for the pattern),
 * each listed here. The catalog takes them from this list.
 */
export * from './vocabulary';
export * from './loan-disbursed';
export * from './loan-interest-accrued';
export * from './loan-repaid';
export * from './loan-penalty-charged';
export * from './loan-fee-charged';
export * from './loan-provision-added';
export * from './loan-provision-released';
export * from './loan-reclassified';
export * from './loan-restructured';
export * from './loan-written-off';
export * from './loan-recovered';
export * from './loan-closed';
export * from './loan-collateral-hold-requested';
export * from './loan-collateral-hold-reduced';
export * from './loan-collateral-hold-released';
export * from './loan-repayment-reversed';
export * from './loan-recovery-reversed';

import { LoanDisbursed } from './loan-disbursed';
import { LoanInterestAccrued } from './loan-interest-accrued';
import { LoanRepaid } from './loan-repaid';
import { LoanPenaltyCharged } from './loan-penalty-charged';
import { LoanFeeCharged } from './loan-fee-charged';
import { LoanProvisionAdded } from './loan-provision-added';
import { LoanProvisionReleased } from './loan-provision-released';
import { LoanReclassified } from './loan-reclassified';
import { LoanRestructured } from './loan-restructured';
import { LoanWrittenOff } from './loan-written-off';
import { LoanRecovered } from './loan-recovered';
import { LoanClosed } from './loan-closed';
import { LoanCollateralHoldRequested } from './loan-collateral-hold-requested';
import { LoanCollateralHoldReduced } from './loan-collateral-hold-reduced';
import { LoanCollateralHoldReleased } from './loan-collateral-hold-released';
import { LoanRepaymentReversed } from './loan-repayment-reversed';
import { LoanRecoveryReversed } from './loan-recovery-reversed';

export const LOAN_EVENTS = [
  LoanDisbursed,
  LoanInterestAccrued,
  LoanRepaid,
  LoanPenaltyCharged,
  LoanFeeCharged,
  LoanProvisionAdded,
  LoanProvisionReleased,
  LoanReclassified,
  LoanRestructured,
  LoanWrittenOff,
  LoanRecovered,
  LoanClosed,
  LoanCollateralHoldRequested,
  LoanCollateralHoldReduced,
  LoanCollateralHoldReleased,
  LoanRepaymentReversed,
  LoanRecoveryReversed,
] as const;
