import { Decimal } from '@kopfed/money';
import { MonthlyRate } from '../shared/rate';
import type { LoanMethod, ScheduledInstallment } from './schedule';

/**
 * effectiveAnnualRatePercent = 12 × the monthly internal rate of return of the disbursement
 * (−P at month 0) and the installments (principal + interest at months 1…n), in percent,
 * rounded half-up to 2 decimals: the rate Permenkop 8/2023 Ps. 27 caps.
 *
 * Computed exactly. In hundredths of a percent the answer is the largest whole k with
 * IRR ≥ k − ½, and because the present value of these cash flows falls as the rate rises,
 * "IRR ≥ c" is "NPV at c ≥ 0". At c = (k − ½) hundredths the monthly rate is the fraction
 * (2k − 1) ÷ 240,000, so the sign of the NPV is the sign of an integer sum, computed with
 * bigints: no float and no intermediate rounding, hence no wrong answer at a .xx5 boundary.
 * The search tests the nominal rate (about twice it for FLAT) first; failing that it starts
 * from a fixed-point Newton estimate, gallops to a bracket and bisects: a bounded number of
 * sign tests (at most ~2 × 20).
 */
const MAX_HUNDREDTHS = 1_000_000; // 10,000 % a year: far beyond any loan the cap lets through
const BOUNDARY_DENOMINATOR = 240_000n; // 12 months × 100 (percent) × 100 (hundredths) × 2 (halves)

export function effectiveAnnualRatePercent(
  principal: bigint,
  installments: readonly ScheduledInstallment[],
  /** Where the search starts, in hundredths of a percent; any value gives the same answer. */
  guessHundredths: number,
): string {
  const flows = installments.map((i) => i.principal + i.interest);
  const holds = (k: number) => k === 0 || npvAtBoundaryIsNonNegative(principal, flows, k);
  // Most methods land on (or next to) the nominal rate: two tests settle it.
  const guess = Math.max(0, Math.trunc(guessHundredths));
  if (holds(guess) && !holds(guess + 1)) return formatHundredths(guess);
  return formatHundredths(largestTrue(holds, newtonEstimate(principal, flows, guess)));
}

const NEWTON_BITS = 80n;
const NEWTON_STEPS = 8;

/**
 * A starting point for the exact search, near the answer (a flat loan with long grace is far
 * from any rule of thumb): Newton's method on f(v) = Σ CF_t v^t, v = 1 ÷ (1 + i), in fixed
 * point, at most NEWTON_STEPS steps. Only where the search starts depends on it.
 */
function newtonEstimate(principal: bigint, flows: readonly bigint[], guess: number): number {
  const S = 1n << NEWTON_BITS;
  let v = (S * 120_000n) / (120_000n + BigInt(guess));
  for (let step = 0; step < NEWTON_STEPS; step++) {
    // Horner for f and f′ at once, from the last flow down to CF_0 = −P.
    let value = flows[flows.length - 1]! << NEWTON_BITS;
    let slope = 0n;
    for (let t = flows.length - 2; t >= -1; t--) {
      slope = ((slope * v) >> NEWTON_BITS) + value;
      value = ((value * v) >> NEWTON_BITS) + ((t >= 0 ? flows[t]! : -principal) << NEWTON_BITS);
    }
    if (slope === 0n) break;
    const delta = (value << NEWTON_BITS) / slope;
    v -= delta;
    if (v <= 0n || v > S * 2n) return guess;
    if (delta < 1n << 20n && delta > -(1n << 20n)) break;
  }
  // i = 1 ÷ v − 1, in hundredths of a percent a year: 120,000 × i.
  const hundredths = (120_000n * (S - v)) / v;
  return hundredths < 0n ? 0 : Number(hundredths > 1_000_000n ? 1_000_000n : hundredths);
}

/**
 * The sign test for c = (k − ½) hundredths of a percent a year, k ≥ 1. First in fixed point
 * (2^-128 of a rupiah, Horner on v = 1 ÷ (1 + i) < 1), where an error bound says whether the
 * sign is certain; only a value within the bound is settled with exact integers.
 */
function npvAtBoundaryIsNonNegative(principal: bigint, flows: readonly bigint[], k: number) {
  const b = BOUNDARY_DENOMINATOR;
  const a = b + 2n * BigInt(k) - 1n; // 1 + i = a ÷ b
  const v = (b << SCALE_BITS) / a; // v × 2^128, short by less than one unit
  let acc = 0n;
  let total = principal;
  for (let t = flows.length - 1; t >= 0; t--) {
    acc = (flows[t]! << SCALE_BITS) + ((acc * v) >> SCALE_BITS);
    total += flows[t]!;
  }
  acc = (-principal << SCALE_BITS) + ((acc * v) >> SCALE_BITS);
  // Each step adds under one unit of truncation and under |value| units from v's shortfall.
  const bound = 2n * BigInt(flows.length + 1) * (total + 2n);
  if (acc > bound) return true;
  if (acc < -bound) return false;
  return exactNpvIsNonNegative(principal, flows, a, b);
}

const SCALE_BITS = 128n;

function exactNpvIsNonNegative(principal: bigint, flows: readonly bigint[], a: bigint, b: bigint) {
  return scaledNpv(principal, flows, a, b) >= 0n;
}

/** NPV × a^N = Σ CF_t × a^(N−t) × b^t at 1 + i = a ÷ b, by Horner, in integers: its sign is exact. */
function scaledNpv(principal: bigint, flows: readonly bigint[], a: bigint, b: bigint): bigint {
  let sum = -principal;
  let bPower = 1n;
  for (const flow of flows) {
    bPower *= b;
    sum = sum * a + flow * bPower;
  }
  return sum;
}

export interface ContractTerms {
  method: LoanMethod;
  annualRatePercent: string;
  termMonths: number;
  graceMonths: number;
}

/**
 * Whether the contract's effective annual rate (12 × its monthly IRR) is above `capPercent`,
 * decided exactly, not on the rate rounded for display: 24.004% is above 24%.
 *
 * Judged on the contract's cash flows before rounding to whole rupiah, which charge the stated
 * rate exactly: half-up rupiah puts a 24% annuity a hair above or below 24% depending on the
 * principal, and that is rounding, not a rate. Grace, EFFECTIVE, ANNUITY and BULLET charge
 * r on what is outstanding each month, so their IRR is the nominal rate itself. FLAT charges
 * r on the whole principal: per rupiah lent, −1 at month 0, r in each of the g grace months,
 * then 1 ÷ m + r in each of the m months that repay; the IRR is above the cap iff the NPV at
 * the cap's monthly rate is positive (NPV falls as the rate rises), and scaled by q × m
 * (r = p ÷ q) those flows are integers, so the sign is computed exactly.
 */
export function contractRateExceeds(terms: ContractTerms, capPercent: string): boolean {
  const nominalAboveCap =
    Decimal.parse(terms.annualRatePercent).compare(Decimal.parse(capPercent)) > 0;
  if (terms.method !== 'FLAT' || nominalAboveCap) return nominalAboveCap;
  const rate = MonthlyRate.ofAnnualPercent(terms.annualRatePercent);
  const cap = MonthlyRate.ofAnnualPercent(capPercent);
  const repaying = BigInt(terms.termMonths - terms.graceMonths);
  const graceFlow = rate.numerator * repaying;
  const repayFlow = rate.denominator + graceFlow;
  const flows = Array.from({ length: terms.termMonths }, (_, t) =>
    t < terms.graceMonths ? graceFlow : repayFlow,
  );
  const lent = rate.denominator * repaying;
  return scaledNpv(lent, flows, cap.denominator + cap.numerator, cap.denominator) > 0n;
}

/** The largest k in [0, MAX] for which the monotone (true…true false…false) test holds. */
function largestTrue(test: (k: number) => boolean, guess: number): number {
  // k = 0 always holds: the installments repay at least the principal, so the IRR is ≥ 0.
  let lo = Math.min(Math.max(0, Math.trunc(guess)), MAX_HUNDREDTHS);
  let hi: number;
  if (test(lo)) {
    let step = 1;
    hi = lo + step;
    while (hi <= MAX_HUNDREDTHS && test(hi)) {
      lo = hi;
      step *= 2;
      hi = Math.min(lo + step, MAX_HUNDREDTHS + 1);
    }
    if (hi > MAX_HUNDREDTHS) return MAX_HUNDREDTHS;
  } else {
    hi = lo;
    let step = 1;
    lo = Math.max(0, hi - step);
    while (lo > 0 && !test(lo)) {
      hi = lo;
      step *= 2;
      lo = Math.max(0, hi - step);
    }
  }
  // test(lo) holds, test(hi) does not.
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (test(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

function formatHundredths(k: number): string {
  const whole = Math.floor(k / 100);
  const fraction = String(k % 100).padStart(2, '0');
  return `${whole}.${fraction}`;
}
