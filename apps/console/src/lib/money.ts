/** Money as the APIs carry it: integer minor units as a decimal string (whole rupiah for IDR). */
export interface Money {
  amount: string;
  currency: string;
}

const INTEGER = /^-?\d+$/;

/** Groups the digits of a non-negative integer by thousands with dots, the Indonesian way. */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/**
 * Rp1.500.000 from "1500000": parsed as a bigint, never through a float, so amounts beyond
 * 2^53 print exactly. A negative amount reads -Rp250.000.
 */
export function formatRupiah(amount: string | bigint): string {
  const text = typeof amount === 'bigint' ? amount.toString() : amount.trim();
  if (!INTEGER.test(text)) throw new Error(`not an integer amount: ${JSON.stringify(amount)}`);
  const value = BigInt(text);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  return `${negative ? '-' : ''}Rp${groupThousands(digits)}`;
}

/** Money in its currency: rupiah the Indonesian way, others as "USD 1.500" (minor units). */
export function formatMoney(money: Money): string {
  if (money.currency === 'IDR') return formatRupiah(money.amount);
  const value = BigInt(money.amount);
  const sign = value < 0n ? '-' : '';
  return `${sign}${money.currency} ${groupThousands((value < 0n ? -value : value).toString())}`;
}

/** Adds integer amounts exactly. */
export function sumAmounts(amounts: readonly string[]): string {
  return amounts.reduce((total, a) => total + BigInt(a), 0n).toString();
}

/**
 * A chart needs numbers: whole rupiah become millions with two decimals, computed on bigints
 * first, so what the chart plots is the printed figure, not a float's approximation of it.
 */
export function millionsForChart(amount: string): number {
  const hundredths = (BigInt(amount) * 100n) / 1_000_000n;
  return Number(hundredths) / 100;
}
