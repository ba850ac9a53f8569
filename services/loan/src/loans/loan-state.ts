import { divideHalfUp } from '@kopfed/money';
import { NON_PERFORMING, type Kolektibilitas } from '../policies/kolektibilitas';
import { addDays, daysBetween } from '../shared/dates';
import { percentOf } from '../shared/rate';
import type { LoanProductTerms } from '../products/terms';
import type { LoanMethod } from '../schedule/schedule';
import type { Borrower, Funds, LoanOrigin } from './loan-events';

export type LoanStatus = 'applied' | 'approved' | 'rejected' | 'active' | 'closed' | 'written_off';

export interface Installment {
  number: number;
  /** Interest accrues from this date to the due date. */
  startDate: string;
  dueDate: string;
  principal: bigint;
  interest: bigint;
  paidPrincipal: bigint;
  paidInterest: bigint;
  /** Marked by the close of business of the first day it was past due. */
  overdue: boolean;
}

/** A day's penalty as a close of business charged it, with the running totals before it. */
export interface PenaltyDay {
  chargedFor: string;
  penalty: bigint;
  penaltyAccruedBefore: string;
  chargedThroughBefore: string | null;
}

/** An installment a close of business marked overdue, and the late fee charged with the mark. */
export interface OverdueMark {
  number: number;
  overdueOn: string;
  fee: bigint;
}

/**
 * What closes of business charged for days on or after the loan's recorded history: a
 * repayment recorded after them but dated on or before those days is allocated as if it had
 * arrived on its date, and what it would have prevented is waived (repayment.ts). Earlier days
 * are dropped as the history moves past them: nothing can be dated before it.
 */
export interface LateCharges {
  penalties: PenaltyDay[];
  overdue: OverdueMark[];
  /** The latest business date a close of business decided something on for this loan. */
  closedThrough: string | null;
}

/**
 * How far back the log reaches behind the last close: a repayment dated earlier than that is
 * allocated as recorded, its charges not decided again. It keeps a loan overdue for years from
 * carrying (and rewriting each night) a charge per day it has been overdue.
 */
export const LATE_CHARGES_WINDOW_DAYS = 92;

/** The first day the log still holds every charge of, or null before any close. */
export function lateChargesKeptFrom(log: LateCharges): string | null {
  return log.closedThrough === null
    ? null
    : addDays(log.closedThrough, -(LATE_CHARGES_WINDOW_DAYS - 1));
}

export interface Collateral {
  savingsAccountId: string;
  /** The share of the principal the product requires held, at approval. */
  required: bigint;
  holdId: string | null;
  held: bigint;
  requested: boolean;
  /** The savings service refused the requested hold; cleared when a hold is placed after all. */
  refused: HoldRefusal | null;
}

export interface HoldRefusal {
  /** The savings service's refusal code, e.g. insufficient-funds, account-closed. */
  reason: string;
  detail: string;
  refusedOn: string;
}

/**
 * A repayment (or a written-off loan's recovery) to be taken from savings that the savings
 * service refused to debit: reversed (owed again, as if never paid) or, when later history
 * built on it, left for staff.
 */
export interface FailedRepayment {
  kind: 'repayment' | 'recovery';
  /** The LoanRepaid (or LoanRecovered) event's id. */
  repaymentId: string;
  /** Rupiah, a decimal string. */
  amount: string;
  paidOn: string;
  reason: string;
  detail: string;
  refusedOn: string;
  reversed: boolean;
}

export interface WrittenOff {
  writtenOffOn: string;
  /** What was still owed when written off: principal, interest, penalties and fees. */
  claim: bigint;
  recovered: bigint;
}

/** Everything a loan's decisions need, folded from its events. Money in bigint rupiah. */
export interface LoanState {
  status: LoanStatus | 'none';
  loanId: string;
  coopId: string;
  memberId: string;
  borrower: Borrower;
  productCode: string;
  /** The product version's terms, copied when applied for; null before. */
  terms: LoanProductTerms | null;
  origin: LoanOrigin;
  externalId: string | null;
  principal: bigint;
  termMonths: number;
  graceMonths: number;
  /** The method and rate in force: the product's, until a restructuring changes them. */
  method: LoanMethod;
  annualRatePercent: string;
  /** Installments numbered up to this one are interest-only (grace). */
  lastGraceNumber: number;
  appliedOn: string;
  appliedBy: string;
  approvedBy: string | null;
  approvedOn: string | null;
  collateral: Collateral | null;
  disbursedOn: string | null;
  disbursementExternalId: string | null;
  /** Where the principal was paid out to: a disbursement sent again must name the same. */
  disbursedVia: Funds | null;
  installments: Installment[];
  penaltyDue: bigint;
  feeDue: bigint;
  /** Exact running total of penalties (10 decimal places); whole rupiah are charged. */
  penaltyAccrued: string;
  penaltyChargedThrough: string | null;
  /** Interest income recognised so far: accruals plus interest paid before it was accrued. */
  interestRecognised: bigint;
  /** Accrued interest not yet paid (the receivable). */
  interestReceivable: bigint;
  kolektibilitas: Kolektibilitas;
  provision: bigint;
  /** After a restructuring the class may not improve until three new installments are paid. */
  classFloor: Kolektibilitas | null;
  restructuredFromNumber: number | null;
  /** Interest the last restructuring carried into installment `restructuredFromNumber`. */
  restructuredCarriedInterest: bigint;
  closedOn: string | null;
  writtenOff: WrittenOff | null;
  /**
   * The latest business date the loan's own history reaches: its disbursement, repayments,
   * schedule changes and restructurings. A repayment or a restructuring dated before it would
   * rewrite what is already recorded, so it is refused. Close-of-business runs do not count:
   * history synced after them (onboarding) and payments entered a day late are accepted.
   */
  recordedThrough: string | null;
  /** Null only when decoded from a loan book row written before it was kept (not decided on). */
  lateCharges: LateCharges | null;
  /** Repayments from savings the savings service refused to debit, oldest first. */
  failedRepayments: FailedRepayment[];
}

export function initialLoanState(): LoanState {
  return {
    status: 'none',
    loanId: '',
    coopId: '',
    memberId: '',
    borrower: { kind: 'person' },
    productCode: '',
    terms: null,
    origin: 'kopfed',
    externalId: null,
    principal: 0n,
    termMonths: 0,
    graceMonths: 0,
    method: 'ANNUITY',
    annualRatePercent: '0',
    lastGraceNumber: 0,
    appliedOn: '',
    appliedBy: '',
    approvedBy: null,
    approvedOn: null,
    collateral: null,
    disbursedOn: null,
    disbursementExternalId: null,
    disbursedVia: null,
    installments: [],
    penaltyDue: 0n,
    feeDue: 0n,
    penaltyAccrued: '0',
    penaltyChargedThrough: null,
    interestRecognised: 0n,
    interestReceivable: 0n,
    kolektibilitas: 'L',
    provision: 0n,
    classFloor: null,
    restructuredFromNumber: null,
    restructuredCarriedInterest: 0n,
    closedOn: null,
    writtenOff: null,
    recordedThrough: null,
    lateCharges: { penalties: [], overdue: [], closedThrough: null },
    failedRepayments: [],
  };
}

export const unpaidPrincipal = (i: Installment): bigint => i.principal - i.paidPrincipal;
export const unpaidInterest = (i: Installment): bigint => i.interest - i.paidInterest;
export const isSettled = (i: Installment): boolean =>
  unpaidPrincipal(i) === 0n && unpaidInterest(i) === 0n;

export function outstandingPrincipal(state: LoanState): bigint {
  let sum = 0n;
  for (const i of state.installments) sum += unpaidPrincipal(i);
  return state.status === 'approved' || state.status === 'applied' ? state.principal : sum;
}

/**
 * What an active secured loan needs held (its product's share of the outstanding principal,
 * as repayments shrink the hold to) beyond what is held. Repayments keep the hold at or above
 * it; it falls short when, for example, a repayment savings refused to debit had shrunk or
 * released the hold (savings holds never grow and a hold id is used once, so the loan cannot
 * ask for it back), or savings ended the hold on its own.
 */
export function collateralShortfall(state: LoanState): bigint {
  const collateral = state.collateral;
  if (collateral === null || state.status !== 'active') return 0n;
  const needed = percentOf(outstandingPrincipal(state), state.terms!.collateralSharePercent);
  return needed > collateral.held ? needed - collateral.held : 0n;
}

/** Installments due on or before `date`: billed, whether paid or not. */
export function isBilled(i: Installment, date: string): boolean {
  return i.dueDate <= date;
}

/** Unpaid principal and interest of installments due on or before `date`. */
export function billedUnpaid(
  state: LoanState,
  date: string,
): { principal: bigint; interest: bigint } {
  let principal = 0n;
  let interest = 0n;
  for (const i of state.installments) {
    if (!isBilled(i, date)) break;
    principal += unpaidPrincipal(i);
    interest += unpaidInterest(i);
  }
  return { principal, interest };
}

/** The oldest installment due before `date` and not settled: where days past due count from. */
export function oldestUnpaidBefore(state: LoanState, date: string): Installment | undefined {
  for (const i of state.installments) {
    if (i.dueDate >= date) return undefined;
    if (!isSettled(i)) return i;
  }
  return undefined;
}

/**
 * The interest of the installment in progress a payoff or prepayment collects on `on`: what has
 * been accrued beyond the billed interest, and at least the unpaid part of what a restructuring
 * carried into it (arrears and interest earned before it began, owed whether accrued or not).
 * A KL, D or M loan accrues nothing (it earns interest when paid), so for it the part earned by
 * `on` is measured as accrual would: pro rata by day (`interestEarnedOn`); and at least what was
 * accrued while it still performed, as for a performing loan. A repayment recorded late may be
 * dated before closes of business that accrued past its date and then classed the loan KL: the
 * payoff must collect that accrual too, or the closed loan keeps a receivable nothing clears.
 */
export function earnedUnbilledInterest(
  state: LoanState,
  inProgress: Installment,
  billedInterest: bigint,
  on: string,
): bigint {
  const unpaid = unpaidInterest(inProgress);
  const accrued = state.interestReceivable - billedInterest;
  if (NON_PERFORMING.has(state.kolektibilitas)) {
    const prorated = interestEarnedOn(state, inProgress, on) - inProgress.paidInterest;
    return min(prorated > accrued ? prorated : accrued, unpaid);
  }
  const carried =
    inProgress.number === state.restructuredFromNumber
      ? state.restructuredCarriedInterest - inProgress.paidInterest
      : 0n;
  const earned = accrued > carried ? accrued : carried;
  return earned <= 0n ? 0n : earned < unpaid ? earned : unpaid;
}

/**
 * The interest earned on the installment in progress by `on`: its own interest pro rata by
 * days, at least what was paid on it. When it is the first installment of an earlier
 * restructuring, the interest that one carried in was earned before it began: it counts whole,
 * and only the rest is pro rata.
 */
export function interestEarnedOn(state: LoanState, inProgress: Installment, on: string): bigint {
  const carried =
    inProgress.number === state.restructuredFromNumber
      ? min(state.restructuredCarriedInterest, inProgress.interest)
      : 0n;
  const prorated = divideHalfUp(
    (inProgress.interest - carried) * BigInt(daysBetween(inProgress.startDate, on)),
    BigInt(daysBetween(inProgress.startDate, inProgress.dueDate)),
  );
  const earned = carried + prorated;
  return earned > inProgress.paidInterest ? earned : inProgress.paidInterest;
}
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** The later of two business dates (null is before every date). */
export function later(recorded: string | null, date: string): string {
  return recorded === null || date > recorded ? date : recorded;
}
