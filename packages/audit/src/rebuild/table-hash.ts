import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface TableState {
  /** SHA-256 over every table's columns and rows, in a fixed order. */
  digest: string;
  rows: number;
}

/**
 * A hash of a read model's state: for each table (by name), its column names and types, then
 * every row in the order of all its columns, each row as JSON (blobs as hex). Two states hash
 * equal exactly when the tables hold the same rows, whatever order they were written in.
 */
export function hashTables(db: Database.Database, tables: readonly string[]): TableState {
  const hash = createHash('sha256');
  let rows = 0;
  for (const table of [...tables].sort()) {
    const quoted = `"${table.replaceAll('"', '""')}"`;
    const columns = db
      .prepare<[], { name: string; type: string }>(
        `SELECT name, type FROM pragma_table_info('${table.replaceAll("'", "''")}')`,
      )
      .all();
    hash.update(`table ${JSON.stringify(table)} ${JSON.stringify(columns)}\n`);
    if (columns.length === 0) continue;
    const order = columns.map((_, i) => String(i + 1)).join(', ');
    const select = db.prepare<[], unknown[]>(`SELECT * FROM ${quoted} ORDER BY ${order}`).raw(true);
    for (const row of select.iterate()) {
      hash.update(
        JSON.stringify(
          row.map((value) => (Buffer.isBuffer(value) ? value.toString('hex') : value)),
        ),
      );
      hash.update('\n');
      rows += 1;
    }
  }
  return { digest: hash.digest('hex'), rows };
}
