import { extname } from 'node:path';
import { readCsv } from './csv-table';
import type { Table } from './table';
import { readXlsx } from './xlsx-table';

export type { Table, TableRow } from './table';

/** Reads a CSV (.csv, .txt) or Excel (.xlsx) file; other formats are refused by name. */
export async function readTable(file: string, sheet?: string): Promise<Table> {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv' || extension === '.txt') return readCsv(file);
  if (extension === '.xlsx') return readXlsx(file, sheet);
  throw new Error(`${file}: only .csv and .xlsx files can be synced (save .xls as .xlsx first)`);
}
