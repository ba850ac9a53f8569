import { invariant } from '@kopfed/domain';
import { IDR } from '@kopfed/money';
import type { Chart } from '../chart/chart';
import {
  groupsOf,
  sectionLines,
  total,
  type StatementGroup,
  type StatementLine,
} from './statement-lines';
import type { TrialBalance } from './trial-balance';

/** Neraca (SAK EP balance sheet) in one currency. */
export interface BalanceSheet {
  currency: string;
  assets: StatementLine[];
  liabilities: StatementLine[];
  equity: StatementLine[];
  /** Income less expenses not yet closed into SHU tahun berjalan: the open year's result. */
  currentResultMinor: bigint;
  totalAssetsMinor: bigint;
  totalLiabilitiesMinor: bigint;
  /** Equity accounts only; the current result is shown beside it. */
  totalEquityMinor: bigint;
  groups: StatementGroup[];
}

/** The balance sheet of a trial balance (as of a date, or consolidated). */
export function balanceSheet(
  trial: TrialBalance,
  chart: Chart,
  currency: string = IDR,
): BalanceSheet {
  const assets = sectionLines(trial, ['asset'], currency);
  const liabilities = sectionLines(trial, ['liability'], currency);
  const equity = sectionLines(trial, ['equity'], currency);
  const income = total(sectionLines(trial, ['income'], currency));
  const expense = total(sectionLines(trial, ['expense'], currency));
  const sheet: BalanceSheet = {
    currency,
    assets,
    liabilities,
    equity,
    currentResultMinor: income - expense,
    totalAssetsMinor: total(assets),
    totalLiabilitiesMinor: total(liabilities),
    totalEquityMinor: total(equity),
    groups: groupsOf([...assets, ...liabilities, ...equity], chart),
  };
  invariant(
    sheet.totalAssetsMinor ===
      sheet.totalLiabilitiesMinor + sheet.totalEquityMinor + sheet.currentResultMinor,
    `neraca does not balance in ${currency}`,
  );
  return sheet;
}
