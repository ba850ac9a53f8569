import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ACCOUNTS_TABLES, ACCOUNTS_PROJECTION_NAMES } from './account-projection';

/** The accounts read model's own file, in the service's data directory. */
export const ACCOUNTS_FILE = 'savings-accounts.db';
/** Beside it: whether a process has the file open, and since which boot of the machine. */
export const SESSION_FILE = `${ACCOUNTS_FILE}.session`;

/**
 * The accounts read model in a file of its own, written by a thread of its own (see
 * accounts-projection-thread.ts): the rows and statement lines of every money movement, and
 * their commits, leave the event loop. The main thread keeps a connection to read it (account
 * snapshots, lists, statements, close of business) and to create or drop its tables.
 */
export interface AccountsFile {
  db: Database.Database;
  /**
   * How the writing thread's connection syncs its commits: `OFF` where the session record
   * stands for the syncs (below), else `NORMAL`.
   */
  synchronous: 'OFF' | 'NORMAL';
  /** Once the writing thread is closed: syncs the whole file and records the session closed. */
  close(): void;
}

/**
 * The kernel's id of the machine's current boot (Linux), or undefined where there is none.
 * Writes the system has accepted but not yet put on disk can only be lost with the system
 * itself, and the machine gets a new boot id when it comes back.
 */
function currentBootId(): string | undefined {
  try {
    const id = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

interface Session {
  bootId: string;
  open: boolean;
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
 *
 * On Linux the writer thread does not sync (see below). `SESSION_FILE` records, durably, that
 * a process has the file open and in which boot of the machine; closing syncs the whole file
 * and records the session closed. A session found open from another boot (or a record that
 * cannot be read) means a system crash or power cut may have torn the file: it is removed and
 * built again from the log, as when it is dropped above.
 */
export function openAccountsFile(
  dataDir: string,
  formerHome: Database.Database,
  logHead: number,
  bootIdOf: () => string | undefined = currentBootId,
): AccountsFile {
  const bootId = bootIdOf();
  // A service whose events and read models are elsewhere (KurrentDB, KOPFED_READ_MODELS_FILE)
  // may not have made its data directory yet.
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, ACCOUNTS_FILE);
  if (mayBeTorn(dataDir, bootId)) removeDatabase(file);
  const db = openAccountsDatabase(file);
  try {
    // Close of business reads every due account's row: keep its pages in memory (this
    // connection's page cache only; 128 MiB).
    db.pragma('cache_size = -131072');
    dropReadModel(formerHome);
    if (checkpointOf(db) > logHead) dropReadModel(db);
    // The thread's syncs (its WAL checkpoints: the file at every 1,000 pages, 5 a second under
    // a load of deposits) queued the event store's commit syncs behind them on the disk,
    // doubling their p90 and the deposits' tail (docs/performance.md). Where the boot id tells
    // a system crash from a process crash, the thread does not sync at all, and a session cut
    // short by a system crash is answered by building the file again (mayBeTorn).
    if (bootId !== undefined) writeSession(dataDir, { bootId, open: true });
    else rmSync(join(dataDir, SESSION_FILE), { force: true });
    return {
      db,
      synchronous: bootId === undefined ? 'NORMAL' : 'OFF',
      close: () => {
        try {
          if (bootId !== undefined && syncedWhole(db)) {
            writeSession(dataDir, { bootId, open: false });
          }
        } finally {
          db.close();
        }
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Whether the file may hold writes the system lost: a session left it open (or its record is
 * unreadable) and the machine has booted since, or cannot tell. A session cut short in this
 * same boot (the process killed) left every write in the system's page cache.
 */
function mayBeTorn(dataDir: string, bootId: string | undefined): boolean {
  let text: string;
  try {
    text = readFileSync(join(dataDir, SESSION_FILE), 'utf8');
  } catch {
    // No record: a new file, or one written by a version that synced every checkpoint.
    return false;
  }
  const session = parseSession(text);
  if (session === undefined) return true;
  return session.open && session.bootId !== bootId;
}

function parseSession(text: string): Session | undefined {
  try {
    const value = JSON.parse(text) as Partial<Session>;
    return typeof value.bootId === 'string' && typeof value.open === 'boolean'
      ? { bootId: value.bootId, open: value.open }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the session record durably: written aside, synced, renamed, its folder synced. */
function writeSession(dataDir: string, session: Session): void {
  const target = join(dataDir, SESSION_FILE);
  const aside = `${target}.new`;
  writeFileSync(aside, `${JSON.stringify(session)}\n`);
  syncPath(aside);
  renameSync(aside, target);
  syncPath(dataDir);
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves every page the thread wrote into the file and syncs it (this connection syncs its
 * checkpoints), emptying the WAL: true once nothing of the file waits in memory alone.
 */
function syncedWhole(db: Database.Database): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return result?.busy === 0;
}

/** Removes the file with its WAL and shared memory, so that it is built again from the log. */
function removeDatabase(file: string): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) rmSync(path, { force: true });
}

/** A connection to the accounts read model's file (created if absent), in WAL mode. */
export function openAccountsDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    // Its own writes (tables made or dropped) and the checkpoint at close are synced.
    db.pragma('synchronous = FULL');
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
