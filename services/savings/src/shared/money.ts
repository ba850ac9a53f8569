import { rejected } from '@kopfed/domain';

/** Money inside the service is whole rupiah as bigint; on the wire and in events, a decimal string. */
export const CURRENCY = 'IDR';

export interface WireMoney {
  amount: string;
  currency: string;
}

export function wire(amount: bigint): WireMoney {
  return { amount: amount.toString(), currency: CURRENCY };
}

/** Reads a request amount; kopfed's books are in rupiah, so any other currency is refused. */
export function rupiah(value: { amount: string; currency: string }, pointer: string): bigint {
  if (value.currency !== CURRENCY) {
    throw rejected(
      'currency-not-supported',
      `Savings are kept in ${CURRENCY}; ${value.currency} is not accepted.`,
      `${pointer}/currency`,
    );
  }
  return BigInt(value.amount);
}

export const sumOf = (values: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const value of values) total += value;
  return total;
};
