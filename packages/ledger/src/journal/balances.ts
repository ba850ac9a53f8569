import { Map as PersistentMap } from 'immutable';
import type { AccountCode } from '../chart/account';
import { signedMinor, type JournalLine } from './entry';

/**
 * Balances signed debit-positive (Σ debit − Σ credit, minor units) per account and currency.
 * Zero balances are dropped, so two equal books compare equal. Never changed in place: a
 * change makes new balances, sharing the untouched accounts' maps.
 */
export type Balances = ReadonlyMap<AccountCode, ReadonlyMap<string, bigint>>;

type Accounts = PersistentMap<AccountCode, ReadonlyMap<string, bigint>>;

/**
 * The balances that `applyLines` and `combine` make: a persistent map (immutable-js, a hash
 * array mapped trie), so a posting copies the few trie nodes on its accounts' paths, not every
 * account. Copied whole, a ledger's state cost a copy of all its accounts twice per posting
 * (its balances and its year's): about 250 µs per posting with 2,000 accounts holding a
 * balance, as a federation's parent has with a clearing account per member coop, and a
 * restart folds every posting again (docs/performance.md, "The ledger's balances copied at
 * every posting"). Iterates in no particular order, as readers already assumed.
 */
class BalanceMap implements Balances {
  constructor(private readonly accounts: Accounts) {}

  static accountsOf(balances: Balances): Accounts {
    return balances instanceof BalanceMap ? balances.accounts : PersistentMap(balances);
  }

  get size(): number {
    return this.accounts.size;
  }

  get(account: AccountCode): ReadonlyMap<string, bigint> | undefined {
    return this.accounts.get(account);
  }

  has(account: AccountCode): boolean {
    return this.accounts.has(account);
  }

  forEach(
    callback: (value: ReadonlyMap<string, bigint>, key: AccountCode, map: Balances) => void,
    thisArg?: unknown,
  ): void {
    // immutable-js stops when the callback returns false; a Map's forEach never stops.
    this.accounts.forEach((value, key) => {
      callback.call(thisArg, value, key, this);
    });
  }

  // Generators, not immutable-js's own iterators: what a Map's iterators are to callers.
  *entries(): MapIterator<[AccountCode, ReadonlyMap<string, bigint>]> {
    yield* this.accounts.entries();
  }

  *keys(): MapIterator<AccountCode> {
    yield* this.accounts.keys();
  }

  *values(): MapIterator<ReadonlyMap<string, bigint>> {
    yield* this.accounts.values();
  }

  [Symbol.iterator](): MapIterator<[AccountCode, ReadonlyMap<string, bigint>]> {
    return this.entries();
  }
}

export const NO_BALANCES: Balances = new BalanceMap(PersistentMap());

/**
 * An entry's net effect per account and currency: a plain Map, as a change is a few accounts
 * that the decider reads once, never a state that later postings build on.
 */
export function netChanges(lines: readonly JournalLine[]): Balances {
  const changes = touchedBy(NO_BALANCES, lines);
  for (const [account, perCurrency] of changes) if (perCurrency.size === 0) changes.delete(account);
  return changes;
}

export function applyLines(balances: Balances, lines: readonly JournalLine[]): Balances {
  return withAccounts(balances, touchedBy(balances, lines));
}

/** The accounts `lines` touch, each with its balances after them (empty where they net out). */
function touchedBy(
  balances: Balances,
  lines: readonly JournalLine[],
): Map<AccountCode, Map<string, bigint>> {
  const touched = new Map<AccountCode, Map<string, bigint>>();
  for (const line of lines) {
    let perCurrency = touched.get(line.account);
    if (perCurrency === undefined) {
      perCurrency = new Map(balances.get(line.account));
      touched.set(line.account, perCurrency);
    }
    const currency = (line.debit ?? line.credit).currency;
    const value = (perCurrency.get(currency) ?? 0n) + signedMinor(line);
    if (value === 0n) perCurrency.delete(currency);
    else perCurrency.set(currency, value);
  }
  return touched;
}

/** `balances` with each of `changed`'s accounts replaced, or dropped where it holds nothing. */
function withAccounts(
  balances: Balances,
  changed: ReadonlyMap<AccountCode, ReadonlyMap<string, bigint>>,
): Balances {
  const accounts = BalanceMap.accountsOf(balances).withMutations((next) => {
    for (const [account, perCurrency] of changed) {
      if (perCurrency.size === 0) next.delete(account);
      else next.set(account, perCurrency);
    }
  });
  return new BalanceMap(accounts);
}

/** `a + sign × b`, account by account. */
export function combine(a: Balances, b: Balances, sign: 1n | -1n = 1n): Balances {
  const changed = new Map<AccountCode, Map<string, bigint>>();
  for (const [account, perCurrency] of b) {
    const merged = new Map(a.get(account));
    for (const [currency, value] of perCurrency) {
      const sum = (merged.get(currency) ?? 0n) + sign * value;
      if (sum === 0n) merged.delete(currency);
      else merged.set(currency, sum);
    }
    changed.set(account, merged);
  }
  return withAccounts(a, changed);
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
