import { isCalendarDate } from '@kopfed/eventstore';
import { MAX_LINES, ParseProblems, parseAmount, type StatementLine } from './statement-line';

export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'DD/MM/YYYY',
  'DD-MM-YYYY',
  'MM/DD/YYYY',
  'YYYYMMDD',
  'DD.MM.YYYY',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
/** A column by its header text or its 0-based position. */
export type Column = string | number;

export interface CsvLayout {
  delimiter: ',' | ';' | '\t' | '|';
  hasHeader: boolean;
  dateFormat: DateFormat;
  decimalSeparator: '.' | ',';
  columns: {
    date: Column;
    /** One signed column (money in positive)… */
    amount?: Column | undefined;
    /** …or money out and money in in two columns. */
    debit?: Column | undefined;
    credit?: Column | undefined;
    reference?: Column | undefined;
    description?: Column | undefined;
  };
}

/** RFC 4180 fields: quotes, doubled quotes inside them, delimiters and line breaks in quotes. */
export function csvRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
      if (rows.length > MAX_LINES + 1) break;
    } else {
      field += c;
    }
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}

export function parseDate(text: string, format: DateFormat): string | undefined {
  const t = text.trim();
  const parts: Record<DateFormat, RegExp> = {
    'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})$/,
    'DD/MM/YYYY': /^(?<d>\d{2})\/(?<m>\d{2})\/(?<y>\d{4})$/,
    'DD-MM-YYYY': /^(?<d>\d{2})-(?<m>\d{2})-(?<y>\d{4})$/,
    'MM/DD/YYYY': /^(?<m>\d{2})\/(?<d>\d{2})\/(?<y>\d{4})$/,
    YYYYMMDD: /^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$/,
    'DD.MM.YYYY': /^(?<d>\d{2})\.(?<m>\d{2})\.(?<y>\d{4})$/,
  };
  const g = parts[format].exec(t)?.groups;
  if (!g) return undefined;
  const iso = `${g.y}-${g.m}-${g.d}`;
  return isCalendarDate(iso) ? iso : undefined;
}

/** A bank statement exported as CSV, read with the columns the treasurer configured. */
export function parseCsvStatement(content: string, layout: CsvLayout): StatementLine[] {
  const rows = csvRows(content, layout.delimiter);
  const problems = new ParseProblems();
  const header = layout.hasHeader ? (rows.shift() ?? []).map((h) => h.trim().toLowerCase()) : [];
  const index = (column: Column | undefined, what: string): number | undefined => {
    if (column === undefined) return undefined;
    if (typeof column === 'number') return column;
    const found = header.indexOf(column.trim().toLowerCase());
    if (found < 0) problems.add(1, `no column named ${JSON.stringify(column)} for ${what}`);
    return found < 0 ? undefined : found;
  };
  const c = layout.columns;
  const [date, amount, debit, credit, reference, description] = [
    index(c.date, 'the date'),
    index(c.amount, 'the amount'),
    index(c.debit, 'money out'),
    index(c.credit, 'money in'),
    index(c.reference, 'the reference'),
    index(c.description, 'the description'),
  ];
  if (amount === undefined && (debit === undefined || credit === undefined))
    problems.add(1, 'name an amount column, or both debit and credit');
  problems.throwIfAny();
  if (rows.length > MAX_LINES) problems.add(MAX_LINES, `more than ${MAX_LINES} lines`);
  const lines: StatementLine[] = [];
  rows.slice(0, MAX_LINES).forEach((row, i) => {
    const lineNo = i + (layout.hasHeader ? 2 : 1);
    const cell = (at: number | undefined) => (at === undefined ? '' : (row[at] ?? '').trim());
    const valueDate = parseDate(cell(date), layout.dateFormat);
    if (!valueDate)
      return problems.add(
        lineNo,
        `not a ${layout.dateFormat} date: ${JSON.stringify(cell(date).slice(0, 20))}`,
      );
    let value: bigint | string;
    if (amount !== undefined) value = parseAmount(cell(amount), layout.decimalSeparator);
    else {
      const out = cell(debit) === '' ? 0n : parseAmount(cell(debit), layout.decimalSeparator);
      const into = cell(credit) === '' ? 0n : parseAmount(cell(credit), layout.decimalSeparator);
      value =
        typeof out === 'string'
          ? out
          : typeof into === 'string'
            ? into
            : into - (out < 0n ? -out : out);
    }
    if (typeof value === 'string') return problems.add(lineNo, value);
    lines.push({
      lineNo,
      valueDate,
      amountMinor: value.toString(),
      reference: cell(reference).slice(0, 140),
      description: cell(description).slice(0, 500),
    });
  });
  problems.throwIfAny();
  return lines;
}
