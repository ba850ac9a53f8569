import type { Kolektibilitas } from '../policies/kolektibilitas';
import type { LoanProductTerms } from '../products/terms';
import type { LoanMethod } from '../schedule/schedule';

/**
 * The loan aggregate's events as the store keeps them: plain JSON, money as whole-rupiah
 * decimal strings (`Amount`), no bigint, no undefined. Past tense, one fact each.
 */
export type Amount = string;

export type Borrower =
  { kind: 'person' } | { kind: 'coop'; memberCoopId: string; agreementId: string };

/** The ledger's Funds, with the savings account named so the savings service can act on it. */
export type Funds =
  | { kind: 'cash' }
  | { kind: 'bank' }
  | { kind: 'deposit_with_parent' }
  | { kind: 'settlement_in_transit' }
  | { kind: 'savings'; savingsAccountId: string; productCode: string };

export type LoanOrigin = 'kopfed' | 'sync';

export interface StoredInstallment {
  number: number;
  dueDate: string;
  principal: Amount;
  interest: Amount;
}

/** How much of a repayment went to which installment. */
export interface AppliedToInstallment {
  number: number;
  principal: Amount;
  interest: Amount;
}

type E<Type extends string, Data> = { type: Type; data: Data };

export type LoanEvent =
  | E<
      'LoanApplied',
      {
        loanId: string;
        coopId: string;
        memberId: string;
        borrower: Borrower;
        productCode: string;
        terms: LoanProductTerms;
        principal: Amount;
        termMonths: number;
        graceMonths: number;
        effectiveAnnualRatePercent: string;
        collateral: { savingsAccountId: string; required: Amount } | null;
        appliedOn: string;
        appliedBy: string;
        origin: LoanOrigin;
        externalId: string | null;
      }
    >
  | E<'LoanApproved', { approvedBy: string; approvedOn: string }>
  | E<'LoanRejected', { rejectedBy: string; rejectedOn: string; reason: string }>
  | E<
      'LoanCollateralHoldRequested',
      {
        /** The id the savings service is asked to give the hold: the loan id. */
        holdId: string;
        savingsAccountId: string;
        amount: Amount;
        requestedOn: string;
      }
    >
  | E<
      'LoanCollateralHoldPlaced',
      { holdId: string; savingsAccountId: string; amount: Amount; placedOn: string }
    >
  | E<
      'LoanDisbursed',
      {
        /** The loan's terms again, so the event tells the books and the savings side everything. */
        principal: Amount;
        borrower: Borrower;
        origin: LoanOrigin;
        method: LoanMethod;
        annualRatePercent: string;
        termMonths: number;
        graceMonths: number;
        disbursedOn: string;
        via: Funds;
        fee: Amount;
        installments: StoredInstallment[];
        disbursedBy: string;
        externalId: string | null;
      }
    >
  | E<
      'LoanInstallmentOverdue',
      {
        number: number;
        dueDate: string;
        principal: Amount;
        interest: Amount;
        overdueOn: string;
        /** See LoanPenaltyCharged's `reversalOf`; absent from a close of business's own mark. */
        reversalOf?: string;
      }
    >
  | E<
      'LoanFeeCharged',
      { fee: Amount; reason: 'late_installment' | 'restructuring'; chargedOn: string }
    >
  | E<
      'LoanPenaltyCharged',
      {
        penalty: Amount;
        overdueAmount: Amount;
        chargedFor: string;
        /** Every penalty so far, exact to 10 decimal places: the residue is carried. */
        penaltyAccrued: string;
        /**
         * The repayment (its LoanRepaid event id) whose reversal charged this day again: the
         * day's close had counted it paid. Charged after later days, and final: a repayment
         * dated before it does not decide it again. Absent from a close of business's own charge.
         */
        reversalOf?: string;
      }
    >
  | E<
      'LoanLateChargesWaived',
      {
        /**
         * The date of a repayment recorded after closes of business that had charged for days on
         * or after it: those days were decided again as if it had arrived on its date.
         */
        paidOn: string;
        /** Penalties charged for those days that the repayment would have prevented. */
        penalty: Amount;
        /** Late fees of installments the repayment settled before they fell overdue. */
        fee: Amount;
        /** Those installments: their overdue marks are withdrawn. */
        installments: number[];
        /** Each of those days' penalty now, with the running total after it. */
        penalties: { chargedFor: string; penalty: Amount; penaltyAccrued: string }[];
        penaltyAccrued: string;
        penaltyChargedThrough: string | null;
      }
    >
  | E<'LoanInterestAccrued', { interest: Amount; accruedThrough: string }>
  | E<
      'LoanReclassified',
      {
        from: Kolektibilitas;
        to: Kolektibilitas;
        daysPastDue: number;
        outstandingPrincipal: Amount;
        policyVersion: string;
        reclassifiedOn: string;
      }
    >
  | E<
      'LoanProvisionAdded' | 'LoanProvisionReleased',
      { amount: Amount; provision: Amount; kolektibilitas: Kolektibilitas; effectiveOn: string }
    >
  | E<
      'LoanRepaid',
      {
        amount: Amount;
        via: Funds;
        paidOn: string;
        penalty: Amount;
        fee: Amount;
        /** Interest not accrued before: income now. */
        interest: Amount;
        /** Interest accrued earlier: settles the receivable. */
        accruedInterest: Amount;
        principal: Amount;
        prepaidPrincipal: Amount;
        applied: AppliedToInstallment[];
        outstandingPrincipal: Amount;
        receivedBy: string;
        externalId: string | null;
      }
    >
  | E<
      'LoanScheduleRecomputed',
      {
        reason: 'prepayment' | 'payoff';
        /** Installments from this number on are replaced; they keep what was paid on them. */
        fromNumber: number;
        installments: StoredInstallment[];
        recomputedOn: string;
      }
    >
  | E<
      'LoanRestructured',
      {
        kind: 'reschedule' | 'restructure';
        method: LoanMethod;
        annualRatePercent: string;
        graceMonths: number;
        fromNumber: number;
        installments: StoredInstallment[];
        /** Paid on the installment in progress, carried to the first new one. */
        carriedPaidInterest: Amount;
        /**
         * The part of the first new installment's interest carried in (arrears and interest
         * earned on the installment in progress): earned already, not prorated again. Absent
         * from events recorded before it was kept (read as 0).
         */
        carriedInterest?: Amount;
        /** Principal paid on the installment in progress, kept as paid on the first new one. */
        carriedPaidPrincipal?: Amount;
        outstandingPrincipal: Amount;
        classFloor: Kolektibilitas;
        restructuredOn: string;
        restructuredBy: string;
      }
    >
  | E<
      'LoanCollateralHoldReduced',
      {
        holdId: string;
        savingsAccountId: string;
        amount: Amount;
        released: Amount;
        reducedOn: string;
      }
    >
  | E<
      'LoanCollateralHoldReleased',
      { holdId: string | null; savingsAccountId: string; released: Amount; releasedOn: string }
    >
  /**
   * The savings service ended the hold on its own (staff released it, it expired, or staff
   * captured it — took the money out of savings): the loan no longer counts it. Private: it is
   * what savings reported, not a request to savings.
   */
  | E<
      'LoanCollateralHoldEnded',
      {
        holdId: string;
        savingsAccountId: string;
        released: Amount;
        reason: 'released' | 'expired' | 'captured';
        endedOn: string;
      }
    >
  /**
   * The savings service refused the hold the loan asked for (SavingsHoldRefused): nothing is
   * held, so the loan is not secured and is not paid out. Private: it is what savings reported.
   */
  | E<
      'LoanCollateralHoldRefused',
      {
        holdId: string;
        savingsAccountId: string;
        amount: Amount;
        /** The savings service's refusal code, e.g. insufficient-funds, account-closed. */
        reason: string;
        detail: string;
        refusedOn: string;
      }
    >
  | E<'LoanClosed', { closedOn: string }>
  | E<
      'LoanWrittenOff',
      {
        principal: Amount;
        accruedInterest: Amount;
        unaccruedInterest: Amount;
        penalty: Amount;
        fee: Amount;
        writtenOffOn: string;
        writtenOffBy: string;
        reason: string;
      }
    >
  | E<'LoanRecovered', { amount: Amount; via: Funds; recoveredOn: string; recordedBy: string }>
  | E<
      'LoanRepaymentReversed',
      {
        /** The LoanRepaid event (its id, the message savings answered) this takes back. */
        repaymentId: string;
        amount: Amount;
        via: Funds;
        paidOn: string;
        /** The repayment's allocation, undone: each part is owed again. */
        penalty: Amount;
        fee: Amount;
        interest: Amount;
        accruedInterest: Amount;
        principal: Amount;
        prepaidPrincipal: Amount;
        applied: AppliedToInstallment[];
        /** The installments as they were before the repayment recomputed them; null if it did not. */
        restoredSchedule: { fromNumber: number; installments: StoredInstallment[] } | null;
        /** The repayment had closed the loan: it is active again. */
        reopened: boolean;
        outstandingPrincipal: Amount;
        /** Why savings did not debit the account (its refusal code and words). */
        reason: string;
        detail: string;
        refusedOn: string;
      }
    >
  | E<
      'LoanRecoveryReversed',
      {
        /** The LoanRecovered event (its id, the message savings answered) this takes back. */
        recoveryId: string;
        amount: Amount;
        via: Funds;
        recoveredOn: string;
        reason: string;
        detail: string;
        refusedOn: string;
      }
    >
  | E<
      'LoanRepaymentFailed',
      {
        /** The LoanRepaid event savings refused to debit, which the loan could not take back. */
        repaymentId: string;
        amount: Amount;
        paidOn: string;
        reason: string;
        detail: string;
        refusedOn: string;
        /** The later event that built on the repayment (a later repayment, restructuring, …). */
        blockedBy: string;
      }
    >;

export type LoanEventType = LoanEvent['type'];

export const LOAN_EVENT_TYPES: readonly LoanEventType[] = [
  'LoanApplied',
  'LoanApproved',
  'LoanRejected',
  'LoanCollateralHoldRequested',
  'LoanCollateralHoldPlaced',
  'LoanDisbursed',
  'LoanInstallmentOverdue',
  'LoanFeeCharged',
  'LoanPenaltyCharged',
  'LoanLateChargesWaived',
  'LoanInterestAccrued',
  'LoanReclassified',
  'LoanProvisionAdded',
  'LoanProvisionReleased',
  'LoanRepaid',
  'LoanScheduleRecomputed',
  'LoanRestructured',
  'LoanCollateralHoldReduced',
  'LoanCollateralHoldReleased',
  'LoanCollateralHoldEnded',
  'LoanCollateralHoldRefused',
  'LoanClosed',
  'LoanWrittenOff',
  'LoanRecovered',
  'LoanRepaymentReversed',
  'LoanRepaymentFailed',
  'LoanRecoveryReversed',
];
