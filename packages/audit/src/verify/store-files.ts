import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { STORE_NAME_PATTERN } from '../checkpoints/checkpoint';

export interface StoreFile {
  /** The store's name: the file's name without `.db` (member, savings, access, audit, …). */
  name: string;
  file: string;
}

/**
 * Every SQLite event store in a data directory: the `*.db` files holding an `events` or a
 * `batches` table (one without the other is a damaged store; member-keys.db and other side
 * files hold neither and are not stores). Sorted by name.
 */
export function findStoreFiles(dataDir: string): StoreFile[] {
  if (!existsSync(dataDir)) throw new Error(`${dataDir}: no such directory`);
  return readdirSync(dataDir)
    .filter((entry) => entry.endsWith('.db') && STORE_NAME_PATTERN.test(basename(entry, '.db')))
    .map((entry) => ({ name: basename(entry, '.db'), file: join(dataDir, entry) }))
    .filter(({ file }) => probe(file) !== 'other')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Opens a store file for reading only: verify changes nothing, even on a live node. */
export function openReadOnly(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** A file that does not open as SQLite is kept: a damaged store must fail, not vanish. */
function probe(file: string): 'store' | 'other' | 'unreadable' {
  let db: Database.Database | undefined;
  try {
    db = openReadOnly(file);
    const tables = db
      .prepare<[], string>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'batches')",
      )
      .pluck(true)
      .all();
    // One of the two without the other is a store with a table dropped, not another file.
    return tables.length > 0 ? 'store' : 'other';
  } catch {
    return 'unreadable';
  } finally {
    db?.close();
  }
}

/** Runs `work` in one read transaction, so everything it reads is one snapshot of the store. */
export async function inSnapshot<T>(db: Database.Database, work: () => Promise<T>): Promise<T> {
  db.exec('BEGIN');
  try {
    // The snapshot starts at the first read, not at BEGIN: take it now.
    db.prepare('SELECT count(*) FROM batches WHERE batch = 0').get();
    return await work();
  } finally {
    db.exec('COMMIT');
  }
}

/** Opens `file` read-only, runs `work` in one snapshot of it, and closes it. */
export async function inFileSnapshot<T>(
  file: string,
  work: (db: Database.Database) => Promise<T>,
): Promise<T> {
  const db = openReadOnly(file);
  try {
    return await inSnapshot(db, () => work(db));
  } finally {
    db.close();
  }
}
