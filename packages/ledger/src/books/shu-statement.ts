import { IDR } from '@kopfed/money';
import type { Chart } from '../chart/chart';
import { YEAR_END_CLOSING, type JournalEntry } from '../journal/entry';
import type { BusinessDate } from '../period';
import { entriesBetween } from './as-of';
import {
  groupsOf,
  sectionLines,
  total,
  type StatementGroup,
  type StatementLine,
} from './statement-lines';
import { trialBalance } from './trial-balance';

/** Perhitungan hasil usaha (SAK EP income statement of a koperasi) in one currency. */
export interface ShuStatement {
  currency: string;
  from: BusinessDate;
  to: BusinessDate;
  income: StatementLine[];
  expense: StatementLine[];
  totalIncomeMinor: bigint;
  totalExpenseMinor: bigint;
  /** SHU: income less expenses; negative is a loss. */
  resultMinor: bigint;
  groups: StatementGroup[];
}

export interface ShuStatementOptions {
  /** Inclusive business dates; a financial year is `YYYY-01-01` to `YYYY-12-31`. */
  from: BusinessDate;
  to: BusinessDate;
  currency?: string;
}

/**
 * The result of the entries dated in [from, to]. Year-end closing entries are left out:
 * they only move the result into equity, and the statement must show it after the close too.
 */
export function shuStatement(
  entries: readonly JournalEntry[],
  chart: Chart,
  options: ShuStatementOptions,
): ShuStatement {
  const currency = options.currency ?? IDR;
  const inPeriod = entriesBetween(entries, options.from, options.to).filter(
    (entry) => entry.source.type !== YEAR_END_CLOSING,
  );
  const trial = trialBalance(inPeriod, chart);
  const income = sectionLines(trial, ['income'], currency);
  const expense = sectionLines(trial, ['expense'], currency);
  return {
    currency,
    from: options.from,
    to: options.to,
    income,
    expense,
    totalIncomeMinor: total(income),
    totalExpenseMinor: total(expense),
    resultMinor: total(income) - total(expense),
    groups: groupsOf([...income, ...expense], chart),
  };
}
