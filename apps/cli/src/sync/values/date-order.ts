import type { RowProblem } from '../streams/stream';
import type { Table, TableRow } from '../table/table';

/** D/M/YYYY as the date reader takes it (also with - or .): two small numbers and a year. */
const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}$/;

const partsOf = (cell: string): [number, number] | undefined => {
  const match = SLASHED.exec(cell.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
};

/**
 * The columns where some cell can only be month first (12/25/2023) and none only day first
 * (25/12/2023): an export from a computer set to US English. Such a cell is refused as
 * impossible, but in the same column 01/02/2024 would be read, day first, as 1 February when
 * the file means 2 January. A day-first column with a typo (05/13/2024) is not one.
 */
export function monthFirstColumns(table: Table): Map<number, string> {
  const monthFirst = new Map<number, string>();
  const dayFirst = new Set<number>();
  for (const row of table.rows) {
    row.cells.forEach((cell, index) => {
      const parts = partsOf(cell);
      if (!parts) return;
      const [first, second] = parts;
      if (first > 12 && first <= 31 && second <= 12) dayFirst.add(index);
      if (first <= 12 && second > 12 && second <= 31 && !monthFirst.has(index))
        monthFirst.set(index, cell.trim());
    });
  }
  for (const index of dayFirst) monthFirst.delete(index);
  return monthFirst;
}

/** A row's dates that read either way in a column that elsewhere writes the month first. */
export function ambiguousDates(
  row: TableRow,
  headers: readonly string[],
  monthFirst: ReadonlyMap<number, string>,
): RowProblem[] {
  const problems: RowProblem[] = [];
  for (const [index, example] of monthFirst) {
    const cell = row.cells[index]?.trim() ?? '';
    const parts = partsOf(cell);
    if (!parts || parts[0] > 12 || parts[1] > 12 || parts[0] === parts[1]) continue;
    problems.push({
      column: headers[index] || `column ${index + 1}`,
      code: 'date_order_ambiguous',
      reason:
        `"${cell}" could be day first or month first, and this column also holds "${example}", ` +
        'month first: write the dates DD/MM/YYYY throughout',
    });
  }
  return problems;
}
