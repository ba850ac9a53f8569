import { invariant } from '@kopfed/domain';
import {
  compareCodes,
  typeOfCode,
  type Account,
  type AccountCode,
  type AccountType,
} from '../chart/account';
import type { Chart } from '../chart/chart';
import type { Balances } from '../journal/balances';
import { amountOf, type JournalEntry, type JournalLine } from '../journal/entry';

export interface Turnover {
  debitMinor: bigint;
  creditMinor: bigint;
}

/** Debit and credit turnover per account and currency, keyed `account currency`. */
export type Turnovers = Map<string, { account: AccountCode; currency: string } & Turnover>;

export function addLines(turnovers: Turnovers, lines: Iterable<JournalLine>): Turnovers {
  for (const line of lines) {
    const { amountMinor, currency } = amountOf(line);
    const key = `${line.account} ${currency}`;
    const row = turnovers.get(key) ?? {
      account: line.account,
      currency,
      debitMinor: 0n,
      creditMinor: 0n,
    };
    if (line.debit !== undefined) row.debitMinor += amountMinor;
    else row.creditMinor += amountMinor;
    turnovers.set(key, row);
  }
  return turnovers;
}

export interface TrialBalanceRow {
  account: AccountCode;
  name: string;
  type: AccountType;
  currency: string;
  debitTurnoverMinor: bigint;
  creditTurnoverMinor: bigint;
  /** The balance sits in one column: debit when Σ debit ≥ Σ credit, credit otherwise. */
  debitBalanceMinor: bigint;
  creditBalanceMinor: bigint;
}

export interface TrialBalanceTotals {
  currency: string;
  debitTurnoverMinor: bigint;
  creditTurnoverMinor: bigint;
  debitBalanceMinor: bigint;
  creditBalanceMinor: bigint;
}

/** Neraca saldo: every account's turnover and balance; per currency the columns agree. */
export interface TrialBalance {
  rows: TrialBalanceRow[];
  totals: TrialBalanceTotals[];
}

/** The trial balance of a set of entries (filter them with entriesAsOf first). */
export function trialBalance(entries: readonly JournalEntry[], chart: Chart): TrialBalance {
  const turnovers: Turnovers = new Map();
  for (const entry of entries) addLines(turnovers, entry.lines);
  return trialBalanceOf(turnovers, chart);
}

/**
 * An account posted to and since removed from the chart (allowed once its balance is zero)
 * still has turnover in the history: its code says its type (SAK EP group digit).
 */
function removedAccount(code: AccountCode): Pick<Account, 'name' | 'type'> {
  return {
    name: `${code} (dihapus dari bagan akun / removed from the chart)`,
    type: typeOfCode(code),
  };
}

export function trialBalanceOf(turnovers: Turnovers, chart: Chart): TrialBalance {
  const rows = [...turnovers.values()]
    .map((t): TrialBalanceRow => {
      const account = chart.accounts.get(t.account) ?? removedAccount(t.account);
      const net = t.debitMinor - t.creditMinor;
      return {
        account: t.account,
        name: account.name,
        type: account.type,
        currency: t.currency,
        debitTurnoverMinor: t.debitMinor,
        creditTurnoverMinor: t.creditMinor,
        debitBalanceMinor: net > 0n ? net : 0n,
        creditBalanceMinor: net < 0n ? -net : 0n,
      };
    })
    .sort((a, b) => compareCodes(a.account, b.account) || (a.currency < b.currency ? -1 : 1));
  const totals = new Map<string, TrialBalanceTotals>();
  for (const row of rows) {
    const total = totals.get(row.currency) ?? {
      currency: row.currency,
      debitTurnoverMinor: 0n,
      creditTurnoverMinor: 0n,
      debitBalanceMinor: 0n,
      creditBalanceMinor: 0n,
    };
    total.debitTurnoverMinor += row.debitTurnoverMinor;
    total.creditTurnoverMinor += row.creditTurnoverMinor;
    total.debitBalanceMinor += row.debitBalanceMinor;
    total.creditBalanceMinor += row.creditBalanceMinor;
    totals.set(row.currency, total);
  }
  for (const t of totals.values()) {
    invariant(
      t.debitTurnoverMinor === t.creditTurnoverMinor &&
        t.debitBalanceMinor === t.creditBalanceMinor,
      `trial balance does not balance in ${t.currency}: the journal holds an unbalanced entry`,
    );
  }
  return { rows, totals: [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)) };
}

/** The trial balance's balances, debit-positive, in the form the ledger's state keeps. */
export function balancesOf(trial: TrialBalance): Balances {
  const balances = new Map<AccountCode, Map<string, bigint>>();
  for (const row of trial.rows) {
    const net = row.debitBalanceMinor - row.creditBalanceMinor;
    if (net === 0n) continue;
    const perCurrency = balances.get(row.account) ?? new Map<string, bigint>();
    perCurrency.set(row.currency, net);
    balances.set(row.account, perCurrency);
  }
  return balances;
}
