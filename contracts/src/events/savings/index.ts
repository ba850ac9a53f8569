export * from './vocabulary';
export * from './savings-account-opened';
export * from './savings-account-closed';
export * from './savings-deposited';
export * from './savings-withdrawn';
export * from './savings-transferred';
export * from './savings-interest-posted';
export * from './savings-interest-tax-withheld';
export * from './savings-charged';
export * from './savings-hold-placed';
export * from './savings-hold-released';
export * from './savings-hold-refused';
export * from './savings-debit-refused';

import { SavingsAccountClosed } from './savings-account-closed';
import { SavingsAccountOpened } from './savings-account-opened';
import { SavingsCharged } from './savings-charged';
import { SavingsDebitRefused } from './savings-debit-refused';
import { SavingsDeposited } from './savings-deposited';
import { SavingsHoldPlaced } from './savings-hold-placed';
import { SavingsHoldReleased } from './savings-hold-released';
import { SavingsHoldRefused } from './savings-hold-refused';
import { SavingsInterestPosted } from './savings-interest-posted';
import { SavingsInterestTaxWithheld } from './savings-interest-tax-withheld';
import { SavingsTransferred } from './savings-transferred';
import { SavingsWithdrawn } from './savings-withdrawn';

/**
 * The savings service's integration events: one file per event (see ../member for the pattern),
 * each listed here. The catalog takes them from this list.
 */
export const SAVINGS_EVENTS = [
  SavingsAccountOpened,
  SavingsAccountClosed,
  SavingsDeposited,
  SavingsWithdrawn,
  SavingsTransferred,
  SavingsInterestPosted,
  SavingsInterestTaxWithheld,
  SavingsCharged,
  SavingsHoldPlaced,
  SavingsHoldReleased,
  SavingsHoldRefused,
  SavingsDebitRefused,
] as const;
