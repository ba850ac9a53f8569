import { z } from 'zod';

/**
 * Money on the wire: `{ "amount": "1500000", "currency": "IDR" }`. The amount is a decimal
 * string of an integer number of minor units (whole rupiah for IDR), never a JS number, so
 * no value is ever rounded through a float.
 *
 * At most 18 digits: every amount then fits a signed 64-bit integer (Java `long`, Postgres
 * `bigint`) on any consumer, and 10^18 rupiah is still about 40,000 times Indonesia's GDP.
 */
export const MONEY_MAX_DIGITS = 18;

const AMOUNT = /^(0|-?[1-9][0-9]{0,17})$/;
const NON_NEGATIVE_AMOUNT = /^(0|[1-9][0-9]{0,17})$/;
const POSITIVE_AMOUNT = /^[1-9][0-9]{0,17}$/;

/** ISO 4217 alphabetic code; kopfed's books are in IDR. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 currency code, e.g. IDR');
export type CurrencyCode = z.output<typeof CurrencyCode>;

function moneySchema(amount: RegExp, description: string) {
  return z
    .strictObject({
      amount: z.string().regex(amount).describe(description),
      currency: CurrencyCode,
    })
    .brand<'Money'>();
}

export const Money = moneySchema(
  AMOUNT,
  'integer number of minor units (whole rupiah for IDR) as a decimal string, at most 18 digits',
);
export type Money = z.output<typeof Money>;

export const NonNegativeMoney = moneySchema(
  NON_NEGATIVE_AMOUNT,
  'integer number of minor units ≥ 0 as a decimal string, at most 18 digits',
);
export type NonNegativeMoney = z.output<typeof NonNegativeMoney>;

export const PositiveMoney = moneySchema(
  POSITIVE_AMOUNT,
  'integer number of minor units > 0 as a decimal string, at most 18 digits',
);
export type PositiveMoney = z.output<typeof PositiveMoney>;

/** `money(1_500_000n)` → `{ amount: '1500000', currency: 'IDR' }`; throws when out of range. */
export function money(amountMinor: bigint, currency = 'IDR'): Money {
  const result = Money.safeParse({ amount: amountMinor.toString(), currency });
  if (!result.success) {
    throw new RangeError(
      `not a money amount: ${amountMinor} ${currency} (at most ${MONEY_MAX_DIGITS} digits, ISO 4217 currency)`,
    );
  }
  return result.data;
}

export interface ParsedMoney {
  amountMinor: bigint;
  currency: CurrencyCode;
}

/** Validates a wire Money and returns its amount as a bigint of minor units. */
export function parseMoney(value: z.input<typeof Money>): ParsedMoney {
  const parsed = Money.parse(value);
  return { amountMinor: BigInt(parsed.amount), currency: parsed.currency };
}
