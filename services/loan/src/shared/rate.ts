import { Decimal, divideHalfUp } from '@kopfed/money';

/**
 * An annual interest rate in percent, kept as the exact fraction it is: the monthly rate
 * r = annual ÷ 12 ÷ 100 = units ÷ (1200 × 10^scale). Interest is then computed exactly and
 * rounded half-up once, to whole rupiah: round(amount × r) = divideHalfUp(amount × units, q).
 */
export class MonthlyRate {
  /** r = numerator / denominator exactly. */
  readonly numerator: bigint;
  readonly denominator: bigint;

  private constructor(readonly annualPercent: Decimal) {
    this.numerator = annualPercent.units;
    this.denominator = 1200n * 10n ** BigInt(annualPercent.scale);
  }

  /** "12", "9.5", "0.000001": at most 6 decimal places. */
  static ofAnnualPercent(text: string): MonthlyRate {
    const rate = Decimal.parse(text);
    if (rate.isNegative()) throw new RangeError('an interest rate is not negative');
    if (rate.scale > 6) throw new RangeError('an annual rate has at most 6 decimal places');
    return new MonthlyRate(rate);
  }

  isZero(): boolean {
    return this.numerator === 0n;
  }

  /** round(amount × r), half-up, exact. */
  interestOn(amountMinor: bigint): bigint {
    return divideHalfUp(amountMinor * this.numerator, this.denominator);
  }

  /** The annual rate as written, without trailing zeros: "12", "9.5". */
  get text(): string {
    return normalisePercent(this.annualPercent.toString());
  }
}

/** "12.500" → "12.5", "12.0" → "12". */
export function normalisePercent(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** round(amount × percent ÷ 100), half-up, exact: fees, provisions, collateral shares. */
export function percentOf(amountMinor: bigint, percent: string): bigint {
  const [units, denominator] = percentFraction(percent);
  return divideHalfUp(amountMinor * units, denominator);
}

/** A percent as units ÷ denominator; a book asks for the same few percents for every loan. */
function percentFraction(percent: string): readonly [bigint, bigint] {
  let fraction = PERCENTS.get(percent);
  if (fraction === undefined) {
    const p = Decimal.parse(percent);
    fraction = [p.units, 100n * 10n ** BigInt(p.scale)];
    if (PERCENTS.size < 10_000) PERCENTS.set(percent, fraction);
  }
  return fraction;
}
const PERCENTS = new Map<string, readonly [bigint, bigint]>();
