import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Counts rows of `table` matching `where` over every SQLite file in a service's data
 * directory: where a service keeps a read model (its store's file, a read-models file, an
 * access store) is its own business, so the scenario looks in all of them.
 */
export function countRows(
  dir: string,
  table: string,
  where: string,
  params: readonly (string | number)[],
): number {
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.db'))) {
    const db = new Database(join(dir, file), { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      const exists = db
        .prepare<[string], { n: number }>(
          "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
        )
        .get(table);
      if (!exists || exists.n === 0) continue;
      const row = db
        .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
        .get(...params);
      total += row?.n ?? 0;
    } finally {
      db.close();
    }
  }
  return total;
}

/** Polls until `condition` holds (bounded), or fails with what it was waiting for. */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
