import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { MAX_ROWS, unguardFormula, type Table } from './table';

/**
 * A CSV export: UTF-8 (a BOM is dropped; any other encoding is refused), comma or semicolon
 * separated (Excel in an Indonesian locale writes ";", since "," is the decimal mark), quoted
 * fields as RFC 4180. Empty lines are skipped; each row keeps its line number for the report.
 */
export function readCsv(file: string): Table {
  const text = utf8Text(file);
  const parsed: unknown[] = parse(text, {
    bom: true,
    delimiter: guessDelimiter(text),
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    // The header, MAX_ROWS rows, and one more to tell a file past the limit.
    to: MAX_ROWS + 2,
  });
  // With `info: true` csv-parse yields { record, info } objects; its types do not say so.
  const records = parsed.filter(isRecordWithInfo);
  const [header, ...rows] = records;
  if (!header) return { headers: [], rows: [] };
  if (rows.length > MAX_ROWS) throw new Error(`${file} has more than ${MAX_ROWS} rows`);
  return {
    headers: header.record.map((h) => unguardFormula(h.trim())),
    rows: rows
      .filter(({ record }) => record.some((cell) => cell.trim() !== ''))
      .map(({ record, info }) => ({ line: info.lines, cells: record.map(unguardFormula) })),
  };
}

/**
 * The file as UTF-8, or an error naming the first line that is not: Excel's plain "CSV"
 * writes the Windows code page, whose é or ñ would otherwise each read as U+FFFD, and the
 * name or address be sent without them.
 */
function utf8Text(file: string): string {
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = bytes.toString('utf8');
    const line = text.slice(0, text.indexOf('\ufffd')).split('\n').length;
    throw new Error(`${file} is not UTF-8 text (line ${line}): in Excel, save it as "CSV UTF-8"`);
  }
}

function guessDelimiter(text: string): ',' | ';' {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  const outsideQuotes = firstLine.replace(/"[^"]*"/g, '');
  const count = (c: string) => outsideQuotes.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

interface RecordWithInfo {
  record: string[];
  info: { lines: number };
}

function isRecordWithInfo(value: unknown): value is RecordWithInfo {
  const candidate = value as Partial<RecordWithInfo> | null;
  return Array.isArray(candidate?.record) && typeof candidate?.info?.lines === 'number';
}
