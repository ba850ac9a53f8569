import Database from 'better-sqlite3';
import { EVENTS_TABLE_DDL, type SqliteEventStore } from '@kopfed/eventstore';
import type { SqliteProjection, SqliteProjectionDefinition } from '@kopfed/messaging';

/**
 * A read model `rebuild-check` can drop, rebuild and compare: whatever class a service keeps
 * its projections in, it hands over one of these per projection.
 */
export interface AuditableProjection {
  name: string;
  /** Every table the projection owns: their contents are its state. */
  tables: readonly string[];
  /** Where those tables are, when not in the store's own file (a read model's file of its own). */
  database?: Database.Database;
  /** Brings the read model up to the store's head the way it runs live (incrementally). */
  catchUp(): Promise<void>;
  /** Drops the read model and builds it again from the whole log. */
  rebuild(): Promise<void>;
}

/**
 * A service's projections over a copy of its store: `rebuild-check` copies the data directory,
 * opens the store there, and asks each source for its projections over that copy — the live
 * files are never touched. Adding a service is one line in the CLI's list of sources.
 */
export interface ProjectionSource {
  /** The store the projections live in (its file is `<store>.db`). */
  store: string;
  open(context: ProjectionContext): Promise<OpenedProjections> | OpenedProjections;
}

export interface ProjectionContext {
  /** The copy of the data directory, with the service's side files (keys) beside the store. */
  dataDir: string;
  store: SqliteEventStore;
  env: NodeJS.ProcessEnv;
}

export interface OpenedProjections {
  projections: readonly AuditableProjection[];
  close?(): Promise<void> | void;
}

/** A SqliteProjection as an auditable one; its tables are found by running its setUp on an empty database. */
export function auditableSqliteProjection(
  projection: SqliteProjection,
  tables?: readonly string[],
): AuditableProjection {
  return auditableRunner(
    projection.definition.name,
    tables ?? tablesOf(projection.definition),
    projection,
  );
}

/** What a service's own projection class offers, whatever it is (start, catch up, stop, rebuild). */
export interface ProjectionRunner {
  start(): void;
  catchUp(): Promise<void>;
  stop(): Promise<void>;
  rebuild(): Promise<void>;
}

/** A projection run by a class of the service's own, under `name`, owning `tables`. */
export function auditableRunner(
  name: string,
  tables: readonly string[],
  projection: ProjectionRunner,
  database?: Database.Database,
): AuditableProjection {
  return {
    name,
    tables,
    ...(database ? { database } : {}),
    async catchUp() {
      projection.start();
      try {
        await projection.catchUp();
      } finally {
        await projection.stop();
      }
    },
    async rebuild() {
      try {
        await projection.rebuild();
      } finally {
        await projection.stop();
      }
    },
  };
}

/** The tables a definition's setUp creates, beside an event store's own. */
export function tablesOf(definition: SqliteProjectionDefinition): string[] {
  return tablesCreatedBy((db) => definition.setUp(db));
}

/**
 * The tables `setUp` creates on an empty database beside an event store's own: how a
 * projection kept in another class than SqliteProjection names what it owns.
 */
export function tablesCreatedBy(setUp: (db: Database.Database) => void): string[] {
  const db = new Database(':memory:');
  try {
    db.exec(EVENTS_TABLE_DDL);
    db.exec(
      'CREATE TABLE checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID',
    );
    const before = new Set(tableNames(db));
    setUp(db);
    return tableNames(db).filter((name) => !before.has(name));
  } finally {
    db.close();
  }
}

function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], string>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck(true)
    .all();
}
