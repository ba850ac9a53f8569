import { divideHalfUp } from '@kopfed/money';
import { monthlyDueDates } from '../shared/dates';
import { MonthlyRate } from '../shared/rate';

/**
 * Loan schedules, to the letter of issue 7, so every coop gets the same rupiah:
 *   - monthly rate r = annual ÷ 12 ÷ 100, kept as an exact fraction (MonthlyRate);
 *   - due dates: the disbursement day in each following month, or that month's last day;
 *   - grace months come first and pay interest only, round(outstanding × r);
 *   - ANNUITY over the n months after grace: payment = round(P × r ÷ (1 − (1 + r)^−n)),
 *     interest = round(outstanding × r), principal = payment − interest;
 *   - EFFECTIVE: principal = round(P ÷ n), interest = round(outstanding × r);
 *   - FLAT: principal = round(P ÷ n), interest = round(P × r);
 *   - BULLET: interest = round(P × r) each month, all principal in the last month;
 *   - the last installment's principal is whatever is still outstanding.
 * Every rounding is half-up to whole rupiah of an exactly computed value: no binary floats
 * and no intermediate rounding at all (the annuity factor is an exact fraction of bigints).
 * One guard beyond the issue: an installment's principal never exceeds what is outstanding
 * (a tiny principal over many months, round(P ÷ n) × (n − 1) > P), so nothing goes negative.
 */
export const LOAN_METHODS = ['FLAT', 'EFFECTIVE', 'ANNUITY', 'BULLET'] as const;
export type LoanMethod = (typeof LOAN_METHODS)[number];

export const MAX_TERM_MONTHS = 360;

export interface ScheduledInstallment {
  number: number;
  dueDate: string;
  principal: bigint;
  interest: bigint;
}

export interface ScheduleTerms {
  method: LoanMethod;
  principal: bigint;
  annualRatePercent: string;
  termMonths: number;
  graceMonths: number;
  disbursementDate: string;
}

/** The whole schedule of a new loan. */
export function buildSchedule(terms: ScheduleTerms): ScheduledInstallment[] {
  return amortise({
    method: terms.method,
    principal: terms.principal,
    rate: MonthlyRate.ofAnnualPercent(terms.annualRatePercent),
    count: terms.termMonths,
    graceCount: terms.graceMonths,
    firstNumber: 1,
    dueDateOf: monthlyDueDates(terms.disbursementDate),
  });
}

export interface AmortiseInput {
  method: LoanMethod;
  /** The principal these installments repay. */
  principal: bigint;
  rate: MonthlyRate;
  /** Installments in all, the grace ones included. */
  count: number;
  /** The first `graceCount` installments pay interest only. */
  graceCount: number;
  /** Number of the first installment (a recomputed schedule continues the numbering). */
  firstNumber: number;
  dueDateOf: (number: number) => string;
}

/** Installments repaying `principal`; used for new loans, prepayments and restructurings. */
export function amortise(input: AmortiseInput): ScheduledInstallment[] {
  const { method, principal, rate, count, graceCount } = input;
  if (!Number.isInteger(count) || count < 1 || count > MAX_TERM_MONTHS)
    throw new RangeError(`a schedule has 1 to ${MAX_TERM_MONTHS} installments`);
  if (!Number.isInteger(graceCount) || graceCount < 0 || graceCount >= count)
    throw new RangeError('grace months leave at least one month to repay in');
  if (principal < 0n) throw new RangeError('a principal is not negative');
  const repaying = count - graceCount;
  const evenPrincipal = divideHalfUp(principal, BigInt(repaying));
  const payment = method === 'ANNUITY' ? annuityPayment(principal, rate, repaying) : 0n;
  const installments: ScheduledInstallment[] = [];
  let outstanding = principal;
  for (let k = 1; k <= count; k++) {
    const number = input.firstNumber + k - 1;
    const last = k === count;
    let interest: bigint;
    let due: bigint;
    if (k <= graceCount) {
      interest = rate.interestOn(outstanding);
      due = 0n;
    } else {
      switch (method) {
        case 'ANNUITY':
          interest = rate.interestOn(outstanding);
          due = payment - interest;
          break;
        case 'EFFECTIVE':
          interest = rate.interestOn(outstanding);
          due = evenPrincipal;
          break;
        case 'FLAT':
          interest = rate.interestOn(principal);
          due = evenPrincipal;
          break;
        case 'BULLET':
          interest = rate.interestOn(principal);
          due = 0n;
          break;
      }
    }
    const principalPart = last ? outstanding : clamp(due, outstanding);
    outstanding -= principalPart;
    installments.push({
      number,
      dueDate: input.dueDateOf(number),
      principal: principalPart,
      interest,
    });
  }
  return installments;
}

const clamp = (value: bigint, max: bigint): bigint => (value < 0n ? 0n : value > max ? max : value);

/**
 * round(P × r ÷ (1 − (1 + r)^−n)) with r = a ÷ q exactly:
 *   P × r ÷ (1 − (1 + r)^−n) = P × a × (q + a)^n ÷ (q × ((q + a)^n − q^n)),
 * a fraction of integers, so the only rounding is the final half-up. At r = 0 it is P ÷ n.
 */
export function annuityPayment(principal: bigint, rate: MonthlyRate, months: number): bigint {
  if (rate.isZero()) return divideHalfUp(principal, BigInt(months));
  const a = rate.numerator;
  const q = rate.denominator;
  const grown = (q + a) ** BigInt(months);
  const base = q ** BigInt(months);
  return divideHalfUp(principal * a * grown, q * (grown - base));
}
