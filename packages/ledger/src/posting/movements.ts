import type { Money } from '@kopfed/money';
import type { CoopId, ProductCode } from '../ids';

/**
 * Where money came from or went to, seen from the coop whose books post it. Money arriving
 * from X is debited to X; money leaving to X is credited to X — so "from savings" debits
 * the savings liability and "to cash" credits kas.
 */
export type Funds =
  | { kind: 'cash' }
  | { kind: 'bank' }
  | { kind: 'deposit_with_parent' }
  | { kind: 'settlement_in_transit' }
  /** The members' SHU the RAT divided, owed to them until it reaches their savings. */
  | { kind: 'shu_payable' }
  | { kind: 'savings'; product: ProductCode };

/** Optional amounts are zero when absent; every amount is ≥ 0 and of one currency. */
export type Movement =
  | { type: 'SavingsDeposited'; product: ProductCode; amount: Money; via: Funds }
  | { type: 'SavingsWithdrawn'; product: ProductCode; amount: Money; via: Funds }
  | { type: 'SavingsInterestPosted'; product: ProductCode; interest: Money; tax?: Money }
  | { type: 'SavingsCharged'; product: ProductCode; fee?: Money; penalty?: Money }
  | { type: 'LoanDisbursed'; product: ProductCode; principal: Money; fee?: Money; via: Funds }
  | { type: 'LoanInterestAccrued'; product: ProductCode; interest: Money }
  | {
      type: 'LoanRepaid';
      product: ProductCode;
      via: Funds;
      principal?: Money;
      /** Interest not accrued before: income now. */
      interest?: Money;
      /** Interest accrued earlier (LoanInterestAccrued): settles the receivable. */
      accruedInterest?: Money;
      penalty?: Money;
      fee?: Money;
    }
  | { type: 'LoanProvisionAdded'; product: ProductCode; amount: Money }
  | { type: 'LoanProvisionReleased'; product: ProductCode; amount: Money }
  | { type: 'LoanWrittenOff'; product: ProductCode; principal: Money; accruedInterest?: Money }
  | { type: 'LoanRecovered'; product: ProductCode; amount: Money; via: Funds }
  /**
   * A repayment booked (LoanRepaid) whose money never came — the savings account it was to be
   * debited from refused — taken back: the exact mirror of that LoanRepaid.
   */
  | {
      type: 'LoanRepaymentReversed';
      product: ProductCode;
      via: Funds;
      principal?: Money;
      interest?: Money;
      accruedInterest?: Money;
      penalty?: Money;
      fee?: Money;
    }
  /** A recovery (LoanRecovered) whose money never came, taken back: its exact mirror. */
  | { type: 'LoanRecoveryReversed'; product: ProductCode; amount: Money; via: Funds }
  | { type: 'InterCoopTransferSent'; amount: Money; from: Funds }
  | { type: 'InterCoopTransferReceived'; amount: Money; to: Funds }
  | { type: 'InterCoopTransferCleared'; payerCoop: CoopId; payeeCoop: CoopId; amount: Money }
  | { type: 'NetPositionPaid'; amount: Money; via: Funds }
  | { type: 'NetPositionReceived'; amount: Money; via: Funds }
  | { type: 'MemberNetPositionReceived'; memberCoop: CoopId; amount: Money; via: Funds }
  | { type: 'MemberNetPositionPaid'; memberCoop: CoopId; amount: Money; via: Funds }
  | { type: 'FundsMoved'; amount: Money; from: Funds; to: Funds }
  /**
   * A year's SHU, approved by the RAT, divided out of the undivided SHU: the members' pools
   * (jasa modal and jasa usaha) become owed to them, the reserve pool goes to the reserve.
   */
  | { type: 'ShuDistributed'; members: Money; reserve?: Money };

export type MovementType = Movement['type'];
