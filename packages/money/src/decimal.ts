import { divideHalfUp } from './rounding';

/**
 * An exact decimal: `units / 10^scale` with bigint units. Used for rates, accrued interest
 * (at 6 or more decimal places, BRIEF §4) and schedule arithmetic, so every coop gets the
 * same rupiah on every machine. Results of multiplication and division are rounded half-up
 * to the scale of the operation, which the caller names.
 */
export class Decimal {
  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static of(units: bigint, scale = 0): Decimal {
    if (!Number.isInteger(scale) || scale < 0 || scale > 60)
      throw new RangeError(`bad scale ${scale}`);
    return new Decimal(units, scale);
  }

  static integer(value: bigint | number): Decimal {
    return new Decimal(BigInt(value), 0);
  }

  /** Parses "12", "-0.5", "9.000001"; no exponents, no separators. */
  static parse(text: string): Decimal {
    const match = /^(-)?(\d{1,40})(?:\.(\d{1,40}))?$/.exec(text);
    if (!match) throw new RangeError(`not a decimal number: ${text}`);
    const fraction = match[3] ?? '';
    const units = BigInt(`${match[2]}${fraction}`);
    return new Decimal(match[1] ? -units : units, fraction.length);
  }

  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  /** The same value at a larger scale, or rounded half-up to a smaller one. */
  rescale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale)
      return new Decimal(this.units * 10n ** BigInt(scale - this.scale), scale);
    return new Decimal(divideHalfUp(this.units, 10n ** BigInt(this.scale - scale)), scale);
  }

  private static align(a: Decimal, b: Decimal): [bigint, bigint, number] {
    const scale = Math.max(a.scale, b.scale);
    return [a.rescale(scale).units, b.rescale(scale).units, scale];
  }

  plus(other: Decimal): Decimal {
    const [a, b, scale] = Decimal.align(this, other);
    return new Decimal(a + b, scale);
  }

  minus(other: Decimal): Decimal {
    const [a, b, scale] = Decimal.align(this, other);
    return new Decimal(a - b, scale);
  }

  /** Exact product (scale adds up), then rounded half-up to `scale` when given. */
  times(other: Decimal, scale?: number): Decimal {
    const exact = new Decimal(this.units * other.units, this.scale + other.scale);
    return scale === undefined ? exact : exact.rescale(scale);
  }

  /** Quotient rounded half-up to `scale` decimal places. */
  dividedBy(other: Decimal, scale: number): Decimal {
    if (other.units === 0n) throw new RangeError('division by zero');
    // this / other = (a / 10^sa) / (b / 10^sb) = a * 10^(sb + scale - sa) / b, at `scale`.
    const shift = other.scale + scale - this.scale;
    const numerator = shift >= 0 ? this.units * 10n ** BigInt(shift) : this.units;
    const denominator = shift >= 0 ? other.units : other.units * 10n ** BigInt(-shift);
    return new Decimal(divideHalfUp(numerator, denominator), scale);
  }

  /** this^n for a whole n ≥ 0, rounded half-up to `scale` after each multiplication. */
  pow(n: number, scale: number): Decimal {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('pow takes a whole exponent ≥ 0');
    let result = Decimal.ONE.rescale(scale);
    let base = this.rescale(scale);
    for (let e = n; e > 0; e >>= 1) {
      if (e & 1) result = result.times(base, scale);
      if (e > 1) base = base.times(base, scale);
    }
    return result;
  }

  /** Rounded half-up to a whole number. */
  roundHalfUp(): bigint {
    return this.rescale(0).units;
  }

  compare(other: Decimal): -1 | 0 | 1 {
    const [a, b] = Decimal.align(this, other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  /** Plain decimal text at this scale, e.g. "12.500000". */
  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale);
    return `${negative ? '-' : ''}${whole}${this.scale > 0 ? `.${fraction}` : ''}`;
  }

  /** Text at a given number of places, rounded half-up: `toFixedPlaces(2)` → "12.50". */
  toFixedPlaces(places: number): string {
    return this.rescale(places).toString();
  }
}
