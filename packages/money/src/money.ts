/**
 * Money is an integer number of minor units (whole rupiah for IDR) carried as bigint, with
 * its ISO 4217 currency. In JSON it is `{ "amount": "1500000", "currency": "IDR" }`.
 * Never a JS number: a float cannot hold every rupiah amount exactly.
 */
export interface Money {
  readonly amountMinor: bigint;
  readonly currency: string;
}

export const IDR = 'IDR';

export class CurrencyMismatchError extends Error {
  override readonly name = 'CurrencyMismatchError';
  constructor(a: string, b: string) {
    super(`cannot combine ${a} with ${b}`);
  }
}

/**
 * The largest amount the JSON form carries: 18 digits, so every stored amount fits a signed
 * 64-bit integer on any consumer (contracts' MONEY_MAX_DIGITS). Sums may pass it in memory;
 * whatever is stored must not.
 */
export const MAX_AMOUNT_MINOR = 999_999_999_999_999_999n;

const AMOUNT = /^-?(0|[1-9]\d{0,17})$/;
const CURRENCY = /^[A-Z]{3}$/;

export function money(amountMinor: bigint | number, currency: string = IDR): Money {
  if (typeof amountMinor === 'number' && !Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`not a whole number of minor units: ${amountMinor}`);
  }
  if (!CURRENCY.test(currency)) throw new RangeError(`not a currency code: ${currency}`);
  return { amountMinor: BigInt(amountMinor), currency };
}

export const zero = (currency: string = IDR): Money => money(0n, currency);

/** Parses the JSON form; throws RangeError for fractions, floats, exponents or junk. */
export function parseMoney(json: { amount: string; currency: string }): Money {
  if (!AMOUNT.test(json.amount))
    throw new RangeError(`not an amount in minor units: ${json.amount}`);
  return money(BigInt(json.amount), json.currency);
}

export function toJson(m: Money): { amount: string; currency: string } {
  return { amount: m.amountMinor.toString(), currency: m.currency };
}

function same(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

export function add(a: Money, b: Money): Money {
  same(a, b);
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  same(a, b);
  return { amountMinor: a.amountMinor - b.amountMinor, currency: a.currency };
}

export function negate(a: Money): Money {
  return { amountMinor: -a.amountMinor, currency: a.currency };
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  same(a, b);
  return a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0;
}

export const isZero = (m: Money): boolean => m.amountMinor === 0n;
export const isNegative = (m: Money): boolean => m.amountMinor < 0n;
export const isPositive = (m: Money): boolean => m.amountMinor > 0n;

export function min(a: Money, b: Money): Money {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Money, b: Money): Money {
  return compare(a, b) >= 0 ? a : b;
}

export function sum(items: readonly Money[], currency: string = IDR): Money {
  return items.reduce((total, m) => add(total, m), zero(currency));
}

/** Rupiah the Indonesian way: Rp1.500.000 (negative: -Rp1.500.000). Other currencies: 12.34 USD is not needed. */
export function formatRupiah(amountMinor: bigint): string {
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}Rp${grouped}`;
}
