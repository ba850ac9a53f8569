import type Database from 'better-sqlite3';
import { WrongExpectedRevisionError, type SqliteEventStore } from '@kopfed/eventstore';
import {
  eventStreamRecords,
  foldKey,
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
 * without reading the file: that read was 3-4% of the node's event loop. The price: the first
 * key looked up reads every key held, on the event loop (about a microsecond a key), and the
 * filter keeps 2 bytes a key for as long as the table keeps its row.
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

/** Every key's stream begins so (IdempotencyGuard): the category `idempotency` holds them all. */
const KEY_STREAM_PREFIX = 'idempotency-';

/**
 * Per database, the names of the keys its table and an earlier version's streams hold: read
 * once, when a key is first looked up or recorded, and kept up to date by every record made
 * after. One per database, as the node mounts two services on one store, and a key one of them
 * records must not look new to the other.
 */
const HELD = new WeakMap<Database.Database, KeyFilter>();

function keysHeld(db: Database.Database): KeyFilter {
  let held = HELD.get(db);
  if (held) return held;
  held = new KeyFilter();
  const table = db.prepare<[], string>('SELECT stream FROM idempotency_keys').pluck();
  for (const stream of table.iterate()) held.add(stream);
  // The streams an earlier version kept keys in: all of the category `idempotency`.
  const streams = db
    .prepare<[], string>("SELECT DISTINCT stream FROM events WHERE category = 'idempotency'")
    .pluck();
  for (const stream of streams.iterate()) held.add(stream);
  HELD.set(db, held);
  return held;
}

function versionOf(row: { revision: number; state: string }): KeyVersion {
  return { state: JSON.parse(row.state) as KeyState, revision: row.revision };
}
