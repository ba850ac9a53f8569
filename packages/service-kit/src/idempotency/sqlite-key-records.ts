import { WrongExpectedRevisionError, type SqliteEventStore } from '@kopfed/eventstore';
import { eventStreamRecords, foldKey, type KeyRecords, type KeyVersion } from './key-records';
import type { KeyState } from './idempotency-record';

/**
 * One row per key: the key's history folded, and its revision. A rowid table, so that a new
 * key's row is appended; only the unique index on the key lands at a random place.
 */
export const KEY_RECORDS_DDL = `
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
 * revision on. No process appends to those streams any more, so they cannot move.
 */
export function sqliteKeyRecords(store: SqliteEventStore): KeyRecords {
  const db = store.database;
  // A read-only store (an auditor's copy) writes nothing, so needs no table.
  if (db.readonly) return eventStreamRecords(store);
  db.exec(KEY_RECORDS_DDL);
  const legacy = eventStreamRecords(store);
  const select = db.prepare<[string], { revision: number; state: string }>(
    'SELECT revision, state FROM idempotency_keys WHERE stream = ?',
  );
  const upsert = db.prepare<[string, number, string]>(
    `INSERT INTO idempotency_keys (stream, revision, state) VALUES (?, ?, ?)
     ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, state = excluded.state`,
  );
  return {
    async load(stream) {
      const row = select.get(stream);
      return row ? versionOf(row) : legacy.load(stream);
    },
    append(stream, after, events) {
      const next = foldKey(after, events);
      return store.commitWith(() => {
        checkRevision(stream, after, select.get(stream));
        upsert.run(stream, next.revision!, JSON.stringify(next.state));
        return next;
      });
    },
  };
}

function versionOf(row: { revision: number; state: string }): KeyVersion {
  return { state: JSON.parse(row.state) as KeyState, revision: row.revision };
}

/**
 * The key must be where `after` found it. Without a row, it is unused or an earlier version's
 * stream, which no longer moves; with one, the row's revision must be the one read.
 */
function checkRevision(stream: string, after: KeyVersion, row: { revision: number } | undefined) {
  if (row === undefined || row.revision === after.revision) return;
  throw new WrongExpectedRevisionError(
    stream,
    after.revision === undefined ? 'no_stream' : after.revision,
    row.revision,
  );
}
