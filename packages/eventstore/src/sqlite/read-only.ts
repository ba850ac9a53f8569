import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { InvalidEventStoreRequestError } from '../errors';
import type { LeaseStore } from '../types';

/** The tables the reads of the port query: a file without them is not a kopfed store. */
const READ_TABLES = ['events', 'batches', 'checkpoints'] as const;

/**
 * Opens an existing store file for reading only, for commands that must change nothing in it
 * (an auditor's copy, the source of a migration, a live node's file). Nothing is set up: no WAL
 * switch, no schema, only the busy timeout a reader needs; SQLite itself refuses any write.
 */
export function openReadOnlyDatabase(file: string, busyTimeoutMs: number): Database.Database {
  if (file === ':memory:' || file === '')
    throw new InvalidEventStoreRequestError('readonly', 'only a store file opens read-only');
  if (!existsSync(file))
    throw new InvalidEventStoreRequestError('file', `${file}: no such store file`);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const tables = new Set(
      db
        .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .pluck(true)
        .all(),
    );
    const missing = READ_TABLES.filter((table) => !tables.has(table));
    if (missing.length > 0)
      throw new InvalidEventStoreRequestError(
        'file',
        `${file} is not a kopfed event store (no ${missing.join(', ')} table)`,
      );
    return db;
  } catch (error) {
    db?.close();
    throw notAStore(file, error) ?? error;
  }
}

/** SQLite's own words for a missing or foreign file, said with the file's name. */
function notAStore(file: string, error: unknown): InvalidEventStoreRequestError | undefined {
  switch ((error as { code?: unknown } | undefined)?.code) {
    case 'SQLITE_CANTOPEN':
      return new InvalidEventStoreRequestError(
        'file',
        `${file}: the store file cannot be opened (${(error as Error).message})`,
      );
    case 'SQLITE_NOTADB':
      return new InvalidEventStoreRequestError('file', `${file} is not a SQLite database`);
    default:
      return undefined;
  }
}

/** The error of every write to a store opened read-only; raised before anything runs. */
export function readOnlyRefusal(file: string, operation: string): InvalidEventStoreRequestError {
  return new InvalidEventStoreRequestError(
    operation,
    `${file} was opened read-only and takes no writes`,
  );
}

/** A read-only store holds no leases: acquiring and releasing one are both writes. */
export function refusingLeases(refuse: (operation: string) => never): LeaseStore {
  return {
    acquire: async () => refuse('leases.acquire'),
    release: async () => refuse('leases.release'),
  };
}
