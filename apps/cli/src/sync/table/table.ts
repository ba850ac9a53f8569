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
