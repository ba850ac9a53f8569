import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Where each person's data key lives, apart from the events. Erasure deletes the key, and
 * with it every copy of the person's data in the events and read models becomes unreadable.
 * An erased person keeps a tombstone: no key is ever stored for them again, so nothing sealed
 * after the erasure (by a request that was under way) can be read either.
 */
export interface KeyStore {
  get(personId: string): Buffer | undefined;
  /** Stores the key unless one exists; returns the key in force, undefined for an erased person. */
  putIfAbsent(personId: string, wrappedKey: Buffer): Buffer | undefined;
  /**
   * Stores each key unless the person has one or was erased; returns the persons whose key was
   * stored.
   */
  putManyIfAbsent(
    entries: ReadonlyArray<readonly [personId: string, wrappedKey: Buffer]>,
  ): Set<string>;
  /** Destroys the key beyond recovery and keeps the person's tombstone; true if there was a key. */
  destroy(personId: string): boolean;
  close(): void;
}

/**
 * The embedded key store: its own SQLite file. `secure_delete` overwrites a destroyed key's
 * bytes, and a truncating checkpoint after each erasure leaves no copy in the WAL either.
 */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;
  private readonly select;
  private readonly insert;
  private readonly remove;
  private readonly bury;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(`CREATE TABLE IF NOT EXISTS person_keys (
      person_id TEXT PRIMARY KEY,
      wrapped_key BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS erased_persons (person_id TEXT PRIMARY KEY) WITHOUT ROWID`);
    this.select = this.db.prepare<[string], { wrapped_key: Buffer }>(
      'SELECT wrapped_key FROM person_keys WHERE person_id = ?',
    );
    this.insert = this.db.prepare<[{ personId: string; wrappedKey: Buffer }]>(
      `INSERT INTO person_keys (person_id, wrapped_key)
       SELECT :personId, :wrappedKey
       WHERE NOT EXISTS (SELECT 1 FROM erased_persons WHERE person_id = :personId)
       ON CONFLICT DO NOTHING`,
    );
    this.bury = this.db.prepare<[string]>(
      'INSERT INTO erased_persons (person_id) VALUES (?) ON CONFLICT DO NOTHING',
    );
    this.remove = this.db.prepare<[string]>('DELETE FROM person_keys WHERE person_id = ?');
  }

  get(personId: string): Buffer | undefined {
    return this.select.get(personId)?.wrapped_key;
  }

  putIfAbsent(personId: string, wrappedKey: Buffer): Buffer | undefined {
    this.insert.run({ personId, wrappedKey });
    return this.get(personId);
  }

  putManyIfAbsent(
    entries: ReadonlyArray<readonly [personId: string, wrappedKey: Buffer]>,
  ): Set<string> {
    const stored = new Set<string>();
    this.db.transaction(() => {
      for (const [personId, wrappedKey] of entries) {
        if (this.insert.run({ personId, wrappedKey }).changes > 0) stored.add(personId);
      }
    })();
    return stored;
  }

  destroy(personId: string): boolean {
    const removed = this.db.transaction(() => {
      this.bury.run(personId);
      return this.remove.run(personId).changes > 0;
    })();
    if (removed) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }

  close(): void {
    this.db.close();
  }
}
