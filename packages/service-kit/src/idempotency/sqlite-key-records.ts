import type Database from 'better-sqlite3';
import { BOUND_LIMIT, WrongExpectedRevisionError, type SqliteEventStore } from '@kopfed/eventstore';
import {
  eventStreamRecords,
  foldKey,
  KEY_STREAM_PREFIX,
  UNUSED_KEY,
  type KeyRecords,
  type KeyVersion,
} from './key-records';
import type { KeyState } from './idempotency-record';
import { KeyFilter } from './key-filter';

/**
 * One row per key: the key's history folded, and its revision. A rowid table, so that a new
 * key's row is appended; only the unique index on the key lands at a random place.
 */
const KEY_RECORDS_DDL = `
CREATE TABLE IF NOT EXISTS idempotency_keys (
  stream TEXT NOT NULL PRIMARY KEY,
  revision INTEGER NOT NULL,
  state TEXT NOT NULL
)`;

/**
 * The records of the store's only writer (the embedded node) as rows of a table in the
 * store's own file, written inside the store's group commit (`commitWith`), so a key's record
 * is exactly as durable as an append and costs no commit of its own.
 *
 * Kept as events instead, each key's record was an append of its own: a second trip through
 * the group commit for every request, with its seal, the log's four indexes, and the audit
 * sealer and the relays reading it back (docs/performance.md, "Idempotency records in a
 * table"). These records are not part of the sealed history; they say what a retry gets
 * back, and no read model or audit is built from them.
 *
 * Keys recorded as events by an earlier version are still honoured: a key without a row is
 * looked up in its stream, and its next record goes to the table, from that stream's
 * revision on. No process writing beside the node appends to them (a service run alone keeps its
 * keys as events, but never on the node's files while it runs), so they cannot move.
 *
 * Nearly every key a request brings is new. Being the only writer, the process knows every key
 * the table and those streams hold (keysHeld), and answers a key it has never seen as unused
 * without reading the file: that read was 3-4% of the node's event loop. The price: after a
 * start, the keys held are read a page at a time between requests (0.6 s in all for 200,000
 * here), and the filter keeps 2 bytes a key for as long as the table keeps its row.
 */
export function sqliteKeyRecords(store: SqliteEventStore): KeyRecords {
  const db = store.database;
  // A read-only store (an auditor's copy) writes nothing, so needs no table.
  if (db.readonly) return eventStreamRecords(store);
  db.exec(KEY_RECORDS_DDL);
  const legacy = eventStreamRecords(store);
  // The key's row, and whether an earlier version left its stream, in one statement: a read
  // outside a transaction takes and drops the WAL's read lock, two system calls each time, and
  // nearly every key looked up is new (docs/performance.md, "Where the WAL's pages go").
  const lookUp = db.prepare<
    [{ stream: string }],
    { revision: number | null; state: string | null; legacy: 0 | 1 }
  >(
    `SELECT k.revision, k.state, EXISTS (SELECT 1 FROM events WHERE stream = @stream) AS legacy
       FROM (SELECT 1) LEFT JOIN idempotency_keys AS k ON k.stream = @stream`,
  );
  const insert = db.prepare<[string, number, string]>(
    'INSERT INTO idempotency_keys (stream, revision, state) VALUES (?, ?, ?) ON CONFLICT (stream) DO NOTHING',
  );
  const update = db.prepare<[number, string, string, number]>(
    'UPDATE idempotency_keys SET revision = ?, state = ? WHERE stream = ? AND revision = ?',
  );
  return {
    async load(stream) {
      // A closed store still fails below, as any read of it does.
      if (db.open && stream.startsWith(KEY_STREAM_PREFIX) && !keysHeld(db).mayHold(stream))
        return UNUSED_KEY;
      const { revision, state, legacy: hasStream } = lookUp.get({ stream })!;
      if (revision !== null && state !== null) return versionOf({ revision, state });
      return hasStream ? legacy.load(stream) : UNUSED_KEY;
    },
    append(stream, after, events) {
      const next = foldKey(after, events);
      const state = JSON.stringify(next.state);
      // Before the write is queued: a load from now on reads the file for this key.
      keysHeld(db).add(stream);
      return store.commitWith(() => {
        // The key must be where `after` found it: its row at that revision, or no row yet (an
        // unused key, or an earlier version's stream, which no longer moves).
        const written =
          (after.revision !== undefined &&
            update.run(next.revision!, state, stream, after.revision).changes === 1) ||
          insert.run(stream, next.revision!, state).changes === 1;
        if (!written)
          throw new WrongExpectedRevisionError(
            stream,
            after.revision === undefined ? 'no_stream' : after.revision,
            lookUp.get({ stream })!.revision ?? undefined,
          );
        return next;
      });
    },
  };
}

/** Rows a turn of the event loop while a store's held keys are read: a few milliseconds' worth. */
const READ_PAGE = 2_000;
/** After a failed page (a lock not granted in time), the same page again after this long. */
const RETRY_MS = 1_000;

/**
 * Per database, the names of the keys its table and an earlier version's streams hold (every
 * one of the category `idempotency`). Read from the first time a key is looked up or recorded,
 * a page a turn of the event loop, so that no request waits for a large table; until the last
 * page, every look-up reads the file as before. A record is added as it is queued, so those made
 * while the pages are read count too. One per database: the node mounts two services on one
 * store, and a key one of them records must not look new to the other.
 */
class HeldKeys {
  private readonly filter = new KeyFilter();
  private complete = false;

  constructor(private readonly db: Database.Database) {
    const legacy = db
      .prepare<[number, number], [number, string]>(
        // A stream's first event names it once.
        `SELECT position, stream FROM events
           WHERE category = 'idempotency' AND position > ? AND revision = 0
           ORDER BY position ${BOUND_LIMIT}`,
      )
      .raw();
    const table = db
      .prepare<[number, number], [number, string]>(
        `SELECT rowid, stream FROM idempotency_keys WHERE rowid > ? ORDER BY rowid ${BOUND_LIMIT}`,
      )
      .raw();
    this.read([legacy, table], 0);
  }

  add(stream: string): void {
    this.filter.add(stream);
  }

  /** False only when every key held has been read and this one is not among them. */
  mayHold(stream: string): boolean {
    return !this.complete || this.filter.mayHold(stream);
  }

  /** Reads the sources in turn, each from `after` (a position or a rowid) a page at a time. */
  private read(
    sources: readonly Database.Statement<[number, number], [number, string]>[],
    after: number,
  ): void {
    if (!this.db.open) return;
    const [source, ...rest] = sources;
    if (!source) {
      this.complete = true;
      return;
    }
    let rows: [number, string][];
    try {
      rows = source.all(after, READ_PAGE);
    } catch {
      // Not read yet: look-ups go on reading the file meanwhile.
      setTimeout(() => this.read(sources, after), RETRY_MS).unref();
      return;
    }
    let last = after;
    for (const [at, stream] of rows) {
      this.filter.add(stream);
      last = at;
    }
    if (rows.length === READ_PAGE) setImmediate(() => this.read(sources, last));
    else this.read(rest, 0);
  }
}

const HELD = new WeakMap<Database.Database, HeldKeys>();

function keysHeld(db: Database.Database): HeldKeys {
  let held = HELD.get(db);
  if (!held) {
    held = new HeldKeys(db);
    HELD.set(db, held);
  }
  return held;
}

function versionOf(row: { revision: number; state: string }): KeyVersion {
  return { state: JSON.parse(row.state) as KeyState, revision: row.revision };
}
