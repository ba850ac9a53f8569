import type { AccountCode } from '../chart/account';
import { signedMinor, type JournalLine } from './entry';

/**
 * Balances signed debit-positive (Σ debit − Σ credit, minor units) per account and currency.
 * Zero balances are dropped, so two equal books compare equal. Copy-on-write: a new map per
 * change, sharing the untouched accounts' maps.
 */
export type Balances = ReadonlyMap<AccountCode, ReadonlyMap<string, bigint>>;

export const NO_BALANCES: Balances = new Map();

/** An entry's net effect per account and currency. */
export function netChanges(lines: readonly JournalLine[]): Balances {
  return applyLines(NO_BALANCES, lines);
}

export function applyLines(balances: Balances, lines: readonly JournalLine[]): Balances {
  const next = new Map(balances);
  const touched = new Map<AccountCode, Map<string, bigint>>();
  for (const line of lines) {
    let perCurrency = touched.get(line.account);
    if (perCurrency === undefined) {
      perCurrency = new Map(next.get(line.account));
      touched.set(line.account, perCurrency);
    }
    const currency = (line.debit ?? line.credit).currency;
    const value = (perCurrency.get(currency) ?? 0n) + signedMinor(line);
    if (value === 0n) perCurrency.delete(currency);
    else perCurrency.set(currency, value);
  }
  for (const [account, perCurrency] of touched) {
    if (perCurrency.size === 0) next.delete(account);
    else next.set(account, perCurrency);
  }
  return next;
}

/** `a + sign × b`, account by account. */
export function combine(a: Balances, b: Balances, sign: 1n | -1n = 1n): Balances {
  const next = new Map(a);
  for (const [account, perCurrency] of b) {
    const merged = new Map(next.get(account));
    for (const [currency, value] of perCurrency) {
      const sum = (merged.get(currency) ?? 0n) + sign * value;
      if (sum === 0n) merged.delete(currency);
      else merged.set(currency, sum);
    }
    if (merged.size === 0) next.delete(account);
    else next.set(account, merged);
  }
  return next;
}

export function balanceOf(balances: Balances, account: AccountCode, currency: string): bigint {
  return balances.get(account)?.get(currency) ?? 0n;
}

/** Σ of every balance per currency: zero in any double-entry book. */
export function netByCurrency(balances: Balances): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const perCurrency of balances.values()) {
    for (const [currency, value] of perCurrency) {
      totals.set(currency, (totals.get(currency) ?? 0n) + value);
    }
  }
  return totals;
}

/** Plain `{ account: { currency: "amount" } }`, sorted: for tests, logs and snapshots. */
export function balancesToRecord(balances: Balances): Record<string, Record<string, string>> {
  const record: Record<string, Record<string, string>> = {};
  for (const account of [...balances.keys()].sort()) {
    const perCurrency = balances.get(account)!;
    record[account] = Object.fromEntries(
      [...perCurrency.keys()].sort().map((c) => [c, perCurrency.get(c)!.toString()]),
    );
  }
  return record;
}
