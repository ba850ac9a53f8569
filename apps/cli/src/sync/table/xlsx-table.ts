import type { CellValue } from 'exceljs';
import { MAX_ROWS, unguardFormula, type Table } from './table';

/**
 * An Excel workbook (.xlsx): the named sheet or the first one, its first non-empty row as
 * headers. Cells become text the way a clerk sees them: numbers in full (a NIK typed as a
 * number keeps its 16 digits, up to 2^53; past it the file is refused), date cells as
 * YYYY-MM-DD, formulas as their last result.
 */
export async function readXlsx(file: string, sheetName?: string): Promise<Table> {
  // Loaded on first use: exceljs is large, and most syncs read CSV. It is CommonJS, so the
  // dynamic import's `default` is its module.exports.
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = sheetName ? workbook.getWorksheet(sheetName) : workbook.worksheets[0];
  if (!sheet) {
    const names = workbook.worksheets.map((s) => s.name).join(', ');
    throw new Error(`${file} has no sheet ${sheetName ?? ''} (sheets: ${names || 'none'})`);
  }
  if (sheet.rowCount > MAX_ROWS + 1) throw new Error(`${file} has more than ${MAX_ROWS} rows`);
  const rows: Array<{ line: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) {
      const value = row.getCell(column).value;
      if (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value))
        throw new Error(inexact(file, rowNumber, column, value));
      cells.push(cellText(value));
    }
    if (cells.some((cell) => cell.trim() !== '')) rows.push({ line: rowNumber, cells });
  });
  const [header, ...data] = rows;
  if (!header) return { headers: [], rows: [] };
  return { headers: header.cells.map((h) => h.trim()), rows: data };
}

/**
 * A whole number past 2^53 is not the number typed: a NIK of Papua (91…96, about 9.2 × 10^15)
 * typed as a number reads as its neighbour, another NIK that looks valid. Excel keeps no more
 * than 15 digits anyway; the column must be typed again as Text.
 */
function inexact(file: string, rowNumber: number, column: number, value: number): string {
  const letters = columnLetters(column);
  return (
    `${file}: row ${rowNumber}, column ${letters}: ${BigInt(value)} has too many digits to be kept ` +
    `exactly as a number; format the column as Text and type its values again`
  );
}

function columnLetters(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26))
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return letters;
}

function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return unguardFormula(value);
  if (typeof value === 'number')
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('error' in value) return '';
  if ('hyperlink' in value) return value.text;
  if ('result' in value) return cellText(value.result);
  return '';
}
