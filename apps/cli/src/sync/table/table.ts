/** A sheet as the agent reads it: the header row and each data row's cells as text. */
export interface Table {
  headers: string[];
  rows: TableRow[];
}

export interface TableRow {
  /** The row's line (CSV) or row number (Excel) in the file, for the report. */
  line: number;
  cells: string[];
}

/** Rows past this are refused: a sync file is a coop's export, not a data warehouse. */
export const MAX_ROWS = 1_000_000;

/** Text a spreadsheet would take for a formula: = + - @, or a tab or CR before one. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `'` before a cell that would start a formula, as the sync's report writes it. */
export function guardFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The cell `guardFormula` was given: a report's row synced again reads as its file did. */
export function unguardFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
