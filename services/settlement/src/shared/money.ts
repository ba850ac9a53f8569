import { rejected } from '@kopfed/domain';

/** Money as events and JSON carry it (BRIEF §4): minor units as a decimal string. */
export interface MoneyJson {
  amount: string;
  currency: string;
}

const AMOUNT = /^-?(0|[1-9]\d{0,17})$/;

export function moneyJson(amountMinor: bigint, currency: string): MoneyJson {
  return { amount: amountMinor.toString(), currency };
}

/** The minor units of a stored or validated amount. */
export function minorOf(money: MoneyJson): bigint {
  if (!AMOUNT.test(money.amount)) {
    throw rejected('amount-invalid', `Not an amount in minor units: ${money.amount}.`);
  }
  return BigInt(money.amount);
}

export const absolute = (value: bigint): bigint => (value < 0n ? -value : value);

export const minBigint = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBigint = (a: bigint, b: bigint): bigint => (a > b ? a : b);
