import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWriterThread } from '@kopfed/eventstore';
import { ACCOUNTS_TABLES, ACCOUNTS_PROJECTION_NAMES } from './account-projection';

/** The accounts read model's own file, in the service's data directory. */
export const ACCOUNTS_FILE = 'savings-accounts.db';

/**
 * The accounts read model in a file of its own, written by a thread of its own: the rows and
 * statement lines of every money movement, and their commits, leave the event loop. The main
 * thread keeps a connection to read it (account snapshots, lists, statements, close of
 * business) and to create or drop its tables.
 */
export interface AccountsFile {
  db: Database.Database;
  thread: SqliteWriterThread;
  close(): Promise<void>;
}

/**
 * Opens (or creates) `savings-accounts.db` in `dataDir`. A read model an earlier version kept
 * in `formerHome` (the store's own file) is dropped there, with its checkpoint: this file's is
 * built again from the log, and until it catches up a command reads its account's whole stream.
 *
 * The file is dropped the same way when its checkpoint is past `logHead`, the store's head
 * position: the log was put back from a backup older than the file (the two files are backed
 * up and restored apart). Its rows would hold money the log does not, serve as snapshots past
 * their streams, and the events appended from there on would be skipped as applied.
 */
export async function openAccountsFile(
  dataDir: string,
  formerHome: Database.Database,
  logHead: number,
): Promise<AccountsFile> {
  // A service whose events and read models are elsewhere (KurrentDB, KOPFED_READ_MODELS_FILE)
  // may not have made its data directory yet.
  mkdirSync(dataDir, { recursive: true });
  const db = openAccountsDatabase(join(dataDir, ACCOUNTS_FILE));
  try {
    // Close of business reads every due account's row: keep its pages in memory (this
    // connection's page cache only; 128 MiB).
    db.pragma('cache_size = -131072');
    dropReadModel(formerHome);
    if (checkpointOf(db) > logHead) dropReadModel(db);
    const thread = await SqliteWriterThread.open(db.name);
    return {
      db,
      thread,
      close: async () => {
        await thread.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A connection to the accounts read model's file (created if absent), in WAL mode. */
export function openAccountsDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** How far the read model in `db` has applied the log (0 when it has no checkpoint). */
function checkpointOf(db: Database.Database): number {
  if (!hasTable(db, 'savings_checkpoints')) return 0;
  const names = ACCOUNTS_PROJECTION_NAMES.map(() => '?').join(', ');
  return (
    db
      .prepare<string[], number | null>(
        `SELECT max(position) FROM savings_checkpoints WHERE name IN (${names})`,
      )
      .pluck(true)
      .get(...ACCOUNTS_PROJECTION_NAMES) ?? 0
  );
}

const hasTable = (db: Database.Database, table: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
  undefined;

/** Drops the accounts read model in `db`, with its checkpoint, so that it is built again. */
function dropReadModel(db: Database.Database): void {
  const has = (table: string) => hasTable(db, table);
  if (!ACCOUNTS_TABLES.some(has) && checkpointOf(db) === 0) return;
  db.transaction(() => {
    for (const table of ACCOUNTS_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    if (has('savings_checkpoints')) {
      const forget = db.prepare('DELETE FROM savings_checkpoints WHERE name = ?');
      for (const name of ACCOUNTS_PROJECTION_NAMES) forget.run(name);
    }
  }).immediate();
}
