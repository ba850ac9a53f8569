import { createHash } from 'node:crypto';
import type { BalanceSheet, ShuStatement, StatementLine, TrialBalance } from '@kopfed/ledger';

/**
 * Books as files: JSON with every amount a decimal string (money never goes through a float,
 * BRIEF §4), and CSV (RFC 4180, `\r\n`). Both depend on their input alone, so the same history
 * gives byte-identical files.
 */
export function booksJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

/** What a CSV cell holds: text, a number or an amount in minor units, or nothing. */
export type CsvCell = string | number | bigint | null | undefined;

/**
 * Text a spreadsheet would run as a formula (OWASP "CSV injection"): a description or memo
 * typed by a coop's user is opened by the auditor in Excel. Such text gets a leading `'`;
 * numbers and amounts are written as they are, negative ones included.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const cell = (value: CsvCell): string => {
    const raw = value === null || value === undefined ? '' : String(value);
    const text = typeof value === 'string' && FORMULA_START.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}

export function trialBalanceCsv(trial: TrialBalance): string {
  return csv(
    [
      'account',
      'name',
      'type',
      'currency',
      'debit_turnover',
      'credit_turnover',
      'debit_balance',
      'credit_balance',
    ],
    trial.rows.map((r) => [
      r.account,
      r.name,
      r.type,
      r.currency,
      r.debitTurnoverMinor,
      r.creditTurnoverMinor,
      r.debitBalanceMinor,
      r.creditBalanceMinor,
    ]),
  );
}

const sectionRows = (section: string, lines: readonly StatementLine[]) =>
  lines.map((l) => [section, l.account, l.name, l.amountMinor]);

export function balanceSheetCsv(sheet: BalanceSheet): string {
  return csv(
    ['section', 'account', 'name', 'amount'],
    [
      ...sectionRows('asset', sheet.assets),
      ...sectionRows('liability', sheet.liabilities),
      ...sectionRows('equity', sheet.equity),
      ['current_result', '', 'SHU tahun berjalan (not yet closed)', sheet.currentResultMinor],
      ['total_assets', '', '', sheet.totalAssetsMinor],
      ['total_liabilities', '', '', sheet.totalLiabilitiesMinor],
      ['total_equity', '', '', sheet.totalEquityMinor],
    ],
  );
}

export function shuStatementCsv(statement: ShuStatement): string {
  return csv(
    ['section', 'account', 'name', 'amount'],
    [
      ...sectionRows('income', statement.income),
      ...sectionRows('expense', statement.expense),
      ['total_income', '', '', statement.totalIncomeMinor],
      ['total_expense', '', '', statement.totalExpenseMinor],
      ['result', '', `SHU ${statement.from}..${statement.to}`, statement.resultMinor],
    ],
  );
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
