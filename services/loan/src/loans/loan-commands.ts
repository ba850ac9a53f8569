import type { KolektibilitasPolicy } from '../policies/kolektibilitas';
import type { RateCapPolicy } from '../policies/rate-cap';
import type { ProductState } from '../products/product.decider';
import type { LoanMethod } from '../schedule/schedule';
import type { Funds, LoanEvent, StoredInstallment } from './loan-events';

/**
 * What the lending coop and the borrower look like to the loan service, from its projection
 * of the member service's events (who may borrow). Null where the member service has said
 * nothing (yet).
 */
export interface BorrowerFacts {
  lender: { kind: 'primary' | 'secondary' | 'tertiary'; status: CoopStatus } | null;
  member: {
    memberId: string;
    coopId: string;
    kind: 'person' | 'coop';
    memberCoopId: string | null;
    left: boolean;
  } | null;
  /** For a member coop: its own status in the federation. */
  memberCoop: { status: CoopStatus } | null;
  /** A cooperation agreement between lender and member coop in force on the application date. */
  agreement: { agreementId: string } | null;
}
export type CoopStatus = 'applied' | 'active' | 'suspended' | 'exited';

export interface Application {
  loanId: string;
  coopId: string;
  memberId: string;
  productCode: string;
  product: ProductState;
  facts: BorrowerFacts;
  principal: bigint;
  termMonths: number;
  graceMonths: number;
  collateralSavingsAccountId: string | null;
  appliedOn: string;
  appliedBy: string;
  externalId: string | null;
  rateCaps?: readonly RateCapPolicy[];
}

export type LoanCommand =
  | ({ type: 'ApplyForLoan' } & Application)
  /** A loan kept in a primary coop's own core: applied and approved there; the hold, if any, too. */
  | ({
      type: 'ImportLoan';
      approvedBy: string;
      heldCollateral: { holdId: string; amount: bigint } | null;
    } & Application)
  | { type: 'ApproveLoan'; approvedBy: string; approvedOn: string }
  | { type: 'RejectLoan'; rejectedBy: string; rejectedOn: string; reason: string }
  | {
      type: 'RecordCollateralHold';
      holdId: string;
      savingsAccountId: string;
      amount: bigint;
      placedOn: string;
    }
  /** The savings service released the hold, let it expire or captured it, without the loan asking. */
  | {
      type: 'RecordCollateralHoldEnded';
      holdId: string;
      savingsAccountId: string;
      reason: 'released' | 'expired' | 'captured';
      endedOn: string;
    }
  /** The savings service refused the hold the loan asked for. */
  | {
      type: 'RecordCollateralHoldRefused';
      holdId: string;
      savingsAccountId: string;
      amount: bigint;
      reason: string;
      detail: string;
      refusedOn: string;
    }
  | {
      type: 'DisburseLoan';
      disbursedOn: string;
      via: Funds;
      disbursedBy: string;
      externalId: string | null;
      /** The borrower's standing on the disbursement date: a coop pays out only to its members. */
      facts: BorrowerFacts;
      /**
       * The outstanding principal of every active loan in the book, every coop's, before this
       * one (or a bound above it): the payout must keep it within 18 digits (LoanBookLimit).
       */
      bookOutstandingPrincipal: bigint;
    }
  | {
      type: 'RepayLoan';
      amount: bigint;
      paidOn: string;
      via: Funds;
      receivedBy: string;
      externalId: string | null;
      /** The kolektibilitas tables, for a repayment dated before a close of business (default). */
      policies?: readonly KolektibilitasPolicy[];
    }
  | {
      type: 'RestructureLoan';
      restructuredOn: string;
      installments: number;
      graceMonths: number;
      method: LoanMethod | null;
      annualRatePercent: string | null;
      fee: bigint;
      restructuredBy: string;
      rateCaps?: readonly RateCapPolicy[];
      policies?: readonly KolektibilitasPolicy[];
    }
  | { type: 'WriteOffLoan'; writtenOffOn: string; writtenOffBy: string; reason: string }
  | { type: 'RecordRecovery'; amount: bigint; recoveredOn: string; via: Funds; recordedBy: string }
  | { type: 'CloseBusinessDay'; businessDate: string; policies?: readonly KolektibilitasPolicy[] }
  | {
      type: 'RecordRepaymentRefused';
      /** The LoanRepaid event savings refused to debit (the id of the message it answered). */
      repaymentId: string;
      savingsAccountId: string;
      reason: string;
      detail: string;
      refusedOn: string;
      /** From the loan's stream: that repayment (null if the loan recorded none by that id), */
      repayment: Extract<LoanEvent, { type: 'LoanRepaid' }>['data'] | null;
      /** the installments just before it, */
      scheduleBefore: readonly StoredInstallment[];
      /** and the events recorded after it, its own consequences included; */
      later: readonly LoanEvent[];
      /** the business dates whose closes counted it paid, oldest first (`closesAfter`). */
      closedSince: readonly string[];
      policies?: readonly KolektibilitasPolicy[];
    }
  | {
      type: 'RecordRecoveryRefused';
      /** The LoanRecovered event savings refused to debit (the id of the message it answered). */
      recoveryId: string;
      savingsAccountId: string;
      reason: string;
      detail: string;
      refusedOn: string;
      /** From the loan's stream: that recovery, or null if the loan recorded none by that id. */
      recovery: Extract<LoanEvent, { type: 'LoanRecovered' }>['data'] | null;
    };
