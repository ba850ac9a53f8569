import type Database from 'better-sqlite3';
import {
  EventStoreClosedError,
  InvalidEventStoreRequestError,
  LIMITS,
  SqliteEventStore,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SealedBatch,
} from '@kopfed/eventstore';
import { openReadOnly } from './store-files';

/**
 * A SQLite store file opened for reading only, for commands that must change nothing
 * (`kopfed audit prove`, the source of `kopfed migrate`). SqliteEventStore opens its file
 * for writing and sets it up — WAL mode, the schema — which rewrites a copy an auditor was
 * handed, or fails on one they may only read. The eventstore package has no read-only open
 * yet; until it does, this reads the same tables with the same queries, and refuses every
 * write (append, subscribe, checkpoints, leases).
 */
export class ReadOnlySqliteStore implements EventStore {
  readonly database: Database.Database;
  private closed = false;
  private readonly statements;

  constructor(file: string) {
    this.database = openReadOnly(file);
    const db = this.database;
    const bodies = (sql: string) => db.prepare<unknown[], string>(sql).pluck(true);
    this.statements = {
      head: db.prepare<[], { p: number }>('SELECT coalesce(max(position), 0) AS p FROM events'),
      streamRevision: db.prepare<[string], { r: number | null }>(
        'SELECT max(revision) AS r FROM events WHERE stream = ?',
      ),
      forwards: bodies(
        'SELECT body FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      backwards: bodies(
        'SELECT body FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      all: bodies('SELECT body FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      batches: db.prepare<
        [number, number],
        { batch: number; first_position: number; last_position: number; seal: string }
      >(
        'SELECT batch, first_position, last_position, seal FROM batches WHERE batch > ? ORDER BY batch LIMIT ?',
      ),
    };
  }

  readonly checkpoints = {
    get: () => this.refuse('checkpoints'),
    compareAndSet: () => this.refuse('checkpoints'),
  };

  readonly leases = {
    acquire: () => this.refuse('leases'),
    release: () => this.refuse('leases'),
  };

  async append(): Promise<never> {
    return this.refuse('append');
  }

  subscribe(): never {
    throw this.refused('subscribe');
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = count(options.maxCount, LIMITS.readStreamMaxCount, LIMITS.readStreamMaxCount);
    const rows =
      options.direction === 'backwards'
        ? this.statements.backwards.all(
            stream,
            options.fromRevision ?? Number.MAX_SAFE_INTEGER,
            maxCount,
          )
        : this.statements.forwards.all(stream, options.fromRevision ?? 0, maxCount);
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.types || options.categories)
      throw new InvalidEventStoreRequestError('types', 'a read-only store reads the whole log');
    const maxCount = count(options.maxCount, LIMITS.readAllDefaultCount, LIMITS.readAllMaxCount);
    return this.statements.all.all(options.after ?? 0, maxCount).map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.statements.head.get()!.p;
  }

  async streamRevision(stream: string): Promise<number | undefined> {
    this.assertOpen();
    return this.statements.streamRevision.get(stream)?.r ?? undefined;
  }

  async readBatches(
    options: { afterBatch?: number; maxCount?: number } = {},
  ): Promise<SealedBatch[]> {
    this.assertOpen();
    const maxCount = count(options.maxCount, LIMITS.readAllDefaultCount, LIMITS.readAllMaxCount);
    return this.statements.batches.all(options.afterBatch ?? 0, maxCount).map((row) => ({
      batch: row.batch,
      firstPosition: row.first_position,
      lastPosition: row.last_position,
      seal: row.seal,
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.database.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }

  private refuse(what: string): Promise<never> {
    return Promise.reject(this.refused(what));
  }

  private refused(what: string): Error {
    return new Error(`${this.database.name}: opened read-only, no ${what}`);
  }
}

/** The SQLite database under a store, for reading its rows directly: undefined for other stores. */
export function sqliteDatabaseOf(store: EventStore): Database.Database | undefined {
  return store instanceof SqliteEventStore || store instanceof ReadOnlySqliteStore
    ? store.database
    : undefined;
}

function count(maxCount: number | undefined, fallback: number, limit: number): number {
  const n = maxCount ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1 || n > limit)
    throw new InvalidEventStoreRequestError('maxCount', `must be an integer from 1 to ${limit}`);
  return n;
}

function toRecordedEvent(body: string): RecordedEvent {
  return JSON.parse(body) as RecordedEvent;
}
