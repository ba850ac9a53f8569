import {
  closeSync,
  copyFileSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { invariant } from '@kopfed/domain';
import { openReadOnly } from '../verify/store-files';

/** A service's side store of per-person keys, beside its event store (`member-keys.db`). */
const KEY_STORE = /^(.+)-keys\.db$/;
const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * Copies a data directory, the node running or not, into `into` (an existing, empty
 * directory the caller owns and removes: the copy holds person keys), as rebuild-check needs
 * it: each SQLite file through VACUUM INTO, one read transaction that takes in the WAL, so
 * each copy is consistent in itself; other files as they are.
 *
 * Across files there is no single instant, and an event store must agree with its key store.
 * The member service stores a person's key before the events sealed with it, and destroys it
 * after the erasure's event: a key store copied before the events can miss a new person's
 * key, one copied after can miss the key of a person whose erasure the events do not hold
 * yet, and either reads a person as erased who is not. So the key store is copied before and
 * after its event store, and the copy keeps every key either holds. A key destroyed while
 * the events were copied is kept; its person reads as before the erasure, as the events do.
 * Not covered: a key both stored and destroyed while the event store itself is copied.
 * A read model kept in a file of its own is copied before its store, for the same reason:
 * its checkpoint must not be past the log it is checked against.
 *
 * Between files it lets the event loop turn, so a running node goes on answering while its
 * directory is copied, and an aborted `signal` (the node closing) stops the copy there; one
 * file's VACUUM INTO runs to its end.
 */
export async function snapshotDataDir(
  dataDir: string,
  into: string,
  signal?: AbortSignal,
): Promise<void> {
  invariant(readdirSync(into).length === 0, `${into}: a snapshot goes into an empty directory`);
  // A running node (or a reader closing) deletes -wal, -shm and temporary files at any time:
  // what is gone by the time it is looked at was not part of the data.
  const entries = readdirSync(dataDir).filter(
    (entry) =>
      !/-(wal|shm|journal)$/.test(entry) &&
      statSync(join(dataDir, entry), { throwIfNoEntry: false })?.isFile(),
  );
  for (const { entry, keyStore } of copyOrder(entries)) {
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    if (keyStore) copyFile(dataDir, keyStore, into, `${keyStore}.before`);
    copyFile(dataDir, entry, into, entry);
    if (keyStore) {
      copyFile(dataDir, keyStore, into, keyStore);
      keepKeysOf(join(into, `${keyStore}.before`), join(into, keyStore));
    }
  }
}

/**
 * The order a data directory's files are copied in: a read model in a file of its own before
 * its event store, so that the copy's checkpoint is never past the copy's log (rebuild-check
 * catches it up from there); the rest as listed. A key store goes with its event store, copied
 * before and after it, and not on its own.
 */
export function copyOrder(
  entries: readonly string[],
): { entry: string; keyStore?: string | undefined }[] {
  const keyStores = entries.filter((e) => KEY_STORE.test(e) && pairOf(e, entries));
  const files = entries.filter((e) => !keyStores.includes(e));
  // A read model's name is longer than its store's: longest first puts each before its store,
  // should that store be a read model's file itself.
  const readModels = files
    .filter((e) => storeOfReadModel(e, entries) !== undefined)
    .sort((a, b) => b.length - a.length);
  return [...readModels, ...files.filter((e) => !readModels.includes(e))].map((entry) => ({
    entry,
    keyStore: keyStores.find((k) => pairOf(k, entries) === entry),
  }));
}

/**
 * The event store whose read model `entry` is, kept in a file of its own beside it
 * (`savings-accounts.db` beside `savings.db`): any `<store>-<name>.db` but a key store, the
 * longest such store when store names hold hyphens themselves.
 */
function storeOfReadModel(entry: string, entries: readonly string[]): string | undefined {
  if (!entry.endsWith('.db') || KEY_STORE.test(entry)) return undefined;
  return entries
    .filter((store) => store.endsWith('.db') && entry.startsWith(`${store.slice(0, -3)}-`))
    .sort((a, b) => b.length - a.length)[0];
}

/** The event store a key store goes with, if it is in the directory. */
function pairOf(keyStore: string, entries: readonly string[]): string | undefined {
  const store = `${KEY_STORE.exec(keyStore)![1]}.db`;
  return entries.includes(store) ? store : undefined;
}

function copyFile(dataDir: string, entry: string, into: string, as: string): void {
  const from = join(dataDir, entry);
  const to = join(into, as);
  const sqlite = isSqlite(from);
  if (sqlite === undefined) return;
  if (!sqlite) {
    copyFileSync(from, to);
    return;
  }
  // Never a plain copy of a SQLite file: without its -wal it is an older or a broken database.
  const db = openReadOnly(from);
  try {
    db.prepare('VACUUM INTO ?').run(to);
  } catch (error) {
    throw new Error(`${from}: cannot be copied (${(error as Error).message})`, {
      cause: error,
    });
  } finally {
    db.close();
  }
}

/** Undefined if the file is gone. */
function isSqlite(file: string): boolean | undefined {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return readSync(fd, header, 0, header.length, 0) === header.length
      ? header.toString('latin1') === SQLITE_HEADER
      : false;
  } finally {
    closeSync(fd);
  }
}

/**
 * Adds to the key store `after` every row of `before` it lacks (keys never change once
 * stored). A key store gone by one of its copies (isSqlite) leaves the other as it is.
 */
function keepKeysOf(before: string, after: string): void {
  const exists = (file: string) => statSync(file, { throwIfNoEntry: false }) !== undefined;
  if (!exists(before)) return;
  if (!exists(after)) {
    renameSync(before, after);
    return;
  }
  const db = new Database(after);
  try {
    db.prepare('ATTACH DATABASE ? AS before').run(before);
    const tables = db
      .prepare<[], string>(
        "SELECT name FROM before.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .pluck(true)
      .all();
    db.transaction(() => {
      for (const table of tables) {
        const quoted = `"${table.replaceAll('"', '""')}"`;
        db.exec(`INSERT OR IGNORE INTO main.${quoted} SELECT * FROM before.${quoted}`);
      }
    })();
    db.exec('DETACH DATABASE before');
  } finally {
    db.close();
  }
  rmSync(before);
}
