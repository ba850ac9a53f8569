import { compareCodes, type AccountCode, type AccountType } from '../chart/account';
import { ancestorsOf, type Chart } from '../chart/chart';
import type { TrialBalance } from './trial-balance';

export interface StatementLine {
  account: AccountCode;
  name: string;
  /**
   * In the section's own sign: assets and expenses debit-positive, liabilities, equity and
   * income credit-positive — so a contra account (PPAP) shows negative among the assets.
   */
  amountMinor: bigint;
}

/** A header account's total of the lines under it, for the statement's subtotals. */
export interface StatementGroup extends StatementLine {
  /** 0 for a top header (1-000 Aset), 1 below it, … */
  level: number;
}

export function sectionSign(type: AccountType): 1n | -1n {
  return type === 'asset' || type === 'expense' ? 1n : -1n;
}

/** The trial balance's accounts of these types in `currency`, in the section's sign. */
export function sectionLines(
  trial: TrialBalance,
  types: readonly AccountType[],
  currency: string,
): StatementLine[] {
  return trial.rows
    .filter((row) => row.currency === currency && types.includes(row.type))
    .map((row) => ({
      account: row.account,
      name: row.name,
      amountMinor: sectionSign(row.type) * (row.debitBalanceMinor - row.creditBalanceMinor),
    }))
    .filter((line) => line.amountMinor !== 0n);
}

export const total = (lines: readonly StatementLine[]): bigint =>
  lines.reduce((sum, line) => sum + line.amountMinor, 0n);

/** Subtotals of every header the lines roll up into, in code order. */
export function groupsOf(lines: readonly StatementLine[], chart: Chart): StatementGroup[] {
  const groups = new Map<AccountCode, StatementGroup>();
  for (const line of lines) {
    const ancestors = ancestorsOf(chart, line.account);
    ancestors.forEach((header, i) => {
      const group = groups.get(header.code) ?? {
        account: header.code,
        name: header.name,
        level: ancestors.length - 1 - i,
        amountMinor: 0n,
      };
      group.amountMinor += line.amountMinor;
      groups.set(header.code, group);
    });
  }
  return [...groups.values()].sort((a, b) => compareCodes(a.account, b.account));
}
