import type Database from 'better-sqlite3';

/**
 * One database file per service. `events` is the log and the outbox at once: `body` is the
 * whole event in its canonical JSON (see seal.ts), the other columns index it. `batches`
 * holds the seal chain; `checkpoints` the named positions of relays and projections.
 * Positions are the rowid: assigned max+1 inside the writing transaction, so the log has
 * no gaps (a rolled-back transaction leaves none).
 */
export const EVENTS_TABLE_DDL = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  revision INTEGER NOT NULL,
  category TEXT NOT NULL,
  type TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  business_date TEXT NOT NULL,
  batch INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events(stream, revision);
CREATE INDEX IF NOT EXISTS events_by_type ON events(type, position);
CREATE INDEX IF NOT EXISTS events_by_category ON events(category, position);
`;

const SCHEMA = `
${EVENTS_TABLE_DDL}
CREATE TABLE IF NOT EXISTS batches (
  batch INTEGER PRIMARY KEY,
  first_position INTEGER NOT NULL,
  last_position INTEGER NOT NULL,
  seal TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** The durability settings of the brief: WAL, synchronous FULL, a busy timeout. */
export function applyPragmas(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
}

export function migrate(db: Database.Database): void {
  db.exec(SCHEMA);
}

/**
 * A LIMIT bound at each call, written so that SQLite does not plan with the bound value. This
 * SQLite (3.53) reads a bound integer LIMIT while planning, and a statement planned with a
 * parameter's value is prepared again whenever that parameter is bound anew: with `LIMIT ?`,
 * the relays', the projections' and the audit sealer's reads of the log were parsed and planned
 * afresh at every call, 13-18 us against 4-7.5 us (docs/performance.md, "Spreads, a bound
 * LIMIT, and answers parsed back"). The plans are the same.
 */
export const BOUND_LIMIT = 'LIMIT (? + 0)';
