import { rejected } from '@kopfed/domain';
import { Decimal } from '@kopfed/money';
import { loanExceedsCap, type RateCapPolicy } from '../policies/rate-cap';
import { effectiveRateOf } from '../schedule/preview';
import {
  buildSchedule,
  MAX_TERM_MONTHS,
  type LoanMethod,
  type ScheduleTerms,
} from '../schedule/schedule';

/** Where a repayment goes, in the product's order (default penalty → fee → interest → principal). */
export const ALLOCATION_BUCKETS = ['penalty', 'fee', 'interest', 'principal'] as const;
export type AllocationBucket = (typeof ALLOCATION_BUCKETS)[number];
export const DEFAULT_ALLOCATION_ORDER: readonly AllocationBucket[] = ALLOCATION_BUCKETS;

/**
 * A loan product's terms, as one version of the product holds them. Amounts are whole rupiah
 * as decimal strings and rates are percent strings, exactly as events and JSON carry them.
 */
export interface LoanProductTerms {
  name: string;
  method: LoanMethod;
  annualRatePercent: string;
  minTermMonths: number;
  maxTermMonths: number;
  /** Principal grace: up to this many interest-only months first. */
  maxGraceMonths: number;
  minPrincipal: string;
  maxPrincipal: string;
  /** Deducted from the payout at disbursement. */
  disbursementFeePercent: string;
  /** Charged once for each installment that falls past due. */
  lateFee: string;
  /** Denda: charged each day on the overdue principal and interest. */
  penaltyPercentPerDay: string;
  allocationOrder: AllocationBucket[];
  /** The share of the principal a hold on the borrower's savings must secure; "0" for none. */
  collateralSharePercent: string;
}

/** A reference size for judging a product's rate: rounding then moves it by far under 0.01%. */
const REFERENCE_PRINCIPAL = 100_000_000n;

/** Refuses terms that contradict themselves or break the rate cap (Permenkop 8/2023 Ps. 27). */
export function assertValidTerms(terms: LoanProductTerms, cap: RateCapPolicy): void {
  const fail = (code: string, message: string, field: string): never => {
    throw rejected(code, message, `/terms/${field}`);
  };
  if (terms.minTermMonths < 1 || terms.maxTermMonths > MAX_TERM_MONTHS)
    fail('term_out_of_range', `terms run from 1 to ${MAX_TERM_MONTHS} months`, 'maxTermMonths');
  if (terms.minTermMonths > terms.maxTermMonths)
    fail('term_range_inverted', 'the shortest term is longer than the longest', 'minTermMonths');
  if (terms.maxGraceMonths >= terms.maxTermMonths)
    fail('grace_too_long', 'grace must leave at least one month to repay in', 'maxGraceMonths');
  if (BigInt(terms.minPrincipal) > BigInt(terms.maxPrincipal))
    fail('principal_range_inverted', 'the smallest principal is above the largest', 'minPrincipal');
  if (new Set(terms.allocationOrder).size !== ALLOCATION_BUCKETS.length)
    fail(
      'allocation_order',
      'name penalty, fee, interest and principal once each',
      'allocationOrder',
    );
  for (const field of ['disbursementFeePercent', 'collateralSharePercent'] as const) {
    if (Decimal.parse(terms[field]).compare(Decimal.integer(100)) > 0)
      fail('percent_above_100', 'at most 100 percent', field);
  }
  const breach = worstBreach(terms, cap);
  if (breach) {
    throw rejected(
      'rate_cap_exceeded',
      `a ${terms.annualRatePercent}% ${terms.method} loan of ${breach.termMonths} months has an effective annual rate of ${breach.rate}% (rounded), above the ${cap.maxEffectiveAnnualRatePercent}% cap (${cap.version})`,
      '/terms/annualRatePercent',
      { effectiveAnnualRatePercent: breach.rate, capPercent: cap.maxEffectiveAnnualRatePercent },
    );
  }
}

/** Among the loans the product allows, the highest-rated one that breaks the cap, judged exactly. */
function worstBreach(
  terms: LoanProductTerms,
  cap: RateCapPolicy,
): { rate: string; termMonths: number } | undefined {
  let worst: { rate: string; termMonths: number } | undefined;
  for (const scheduleTerms of loansToJudge(terms)) {
    if (!loanExceedsCap(scheduleTerms, cap)) continue;
    const rate = effectiveRateOf(scheduleTerms, buildSchedule(scheduleTerms));
    if (!worst || Decimal.parse(rate).compare(Decimal.parse(worst.rate)) > 0)
      worst = { rate, termMonths: scheduleTerms.termMonths };
  }
  return worst;
}

/**
 * The highest effective rate among the loans the product allows: every term in its range,
 * without grace and with its longest grace. Only FLAT varies much with the term (its rate
 * rises, then falls again, as the term grows), so the other methods check the ends only.
 */
export function highestEffectiveRate(terms: LoanProductTerms): {
  rate: string;
  termMonths: number;
} {
  let worst = { rate: '0.00', termMonths: terms.minTermMonths };
  for (const scheduleTerms of loansToJudge(terms)) {
    const rate = effectiveRateOf(scheduleTerms, buildSchedule(scheduleTerms));
    if (Decimal.parse(rate).compare(Decimal.parse(worst.rate)) > 0)
      worst = { rate, termMonths: scheduleTerms.termMonths };
  }
  return worst;
}

/** Every term in the range (the ends only unless FLAT), without grace and with the longest. */
function loansToJudge(terms: LoanProductTerms): ScheduleTerms[] {
  const loans: ScheduleTerms[] = [];
  for (let n = terms.minTermMonths; n <= terms.maxTermMonths; n++) {
    if (terms.method !== 'FLAT' && n !== terms.minTermMonths && n !== terms.maxTermMonths) continue;
    for (const graceMonths of new Set([0, Math.min(terms.maxGraceMonths, n - 1)])) {
      loans.push({
        method: terms.method,
        principal: REFERENCE_PRINCIPAL,
        annualRatePercent: terms.annualRatePercent,
        termMonths: n,
        graceMonths,
        disbursementDate: '2026-01-15',
      });
    }
  }
  return loans;
}
