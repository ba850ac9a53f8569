import Database from 'better-sqlite3';
import { invariant } from '@kopfed/domain';
import {
  DuplicateEventIdError,
  EventStoreClosedError,
  WrongExpectedRevisionError,
} from '../errors';
import { canonicalPreparedText, GENESIS_SEAL, sealTexts } from '../seal';
import { pollingSubscription } from '../subscription';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  LeaseStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SealedBatch,
  SubscribeOptions,
  Subscription,
} from '../types';
import {
  assertAppendOptions,
  assertStreamName,
  normaliseReadAll,
  normaliseReadBatches,
  normaliseReadStream,
  pickFilter,
  prepareEvents,
  revisionMatches,
  streamCategory,
  type PreparedEvent,
} from '../validation';
import { answered, isLockTimeout, unavailableIfLocked } from './lock-timeout';
import { openReadOnlyDatabase, readOnlyRefusal, refusingLeases } from './read-only';
import { applyPragmas, BOUND_LIMIT, migrate } from './schema';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import { SqliteLeaseStore } from './sqlite-lease-store';
import {
  DEFAULT_WAL_CHECKPOINTER,
  WalCheckpointer,
  type WalCheckpointerOptions,
} from './wal-checkpointer';

export interface SqliteEventStoreOptions {
  /** Database file, or ':memory:' for a throwaway store. */
  file: string;
  /** Source of recordedAt for events that do not carry one. */
  clock?: () => Date;
  busyTimeoutMs?: number;
  /** How often subscriptions look for events written by other processes. */
  pollIntervalMs?: number;
  /** Upper bound on append calls committed in one group transaction. */
  maxAppendsPerCommit?: number;
  /**
   * WAL checkpoints of a file store: on the checkpoint thread once the store is busy (the default,
   * see wal-checkpointer.ts), or 'inline', SQLite's own, inside the commit that needs one.
   */
  walCheckpoints?: WalCheckpointerOptions | 'inline';
  /** Told when the store falls back to slower but safe behaviour (WAL checkpoints back inline). */
  onWarning?: (message: string) => void;
  /**
   * Opens an existing store file for reading only and changes nothing in it: no WAL switch, no
   * schema set-up, no checkpoint thread. Every read works as on a writable store; every write
   * (append, commitWith, checkpoints.compareAndSet, leases) is refused at once.
   */
  readonly?: boolean;
}

type Outcome = { ok: true; result: AppendResult; wrote: boolean } | { ok: false; error: unknown };

interface PendingAppend {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: PreparedEvent[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Other writes to the store's file that ride the next group commit (checkpoints, read models). */
interface PendingWrite {
  work: () => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Every SELECT that returns events returns only the canonical body (read with pluck). */
type EventRow = string;

/**
 * The embedded event store: one SQLite file per service (WAL, synchronous FULL).
 *
 * better-sqlite3 is synchronous, so appends are queued and committed together on the next
 * turn of the event loop: one immediate transaction (one fsync) for every append that
 * arrived meanwhile, each append in its own savepoint so one failure does not sink the rest.
 * Checkpoints and read models kept in the same file ride the same commit (`commitWith`), so a
 * relay or a projection advancing costs no fsync of its own while appends are flowing.
 */
export class SqliteEventStore implements EventStore {
  readonly database: Database.Database;
  readonly checkpoints: CheckpointStore;
  readonly leases: LeaseStore;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly maxAppendsPerCommit: number;
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();
  private queue: PendingAppend[] = [];
  private writes: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly statements: Statements;
  /**
   * Runs its argument in a transaction (`.immediate`), or in a savepoint when called inside
   * one. Made once: better-sqlite3's `transaction()` builds four wrappers and their properties
   * at every call, which cost the node's event loop about 1.6% when it was called for every
   * write of every group.
   */
  private readonly transact: { <T>(work: () => T): T; immediate<T>(work: () => T): T };
  /** Undefined for an in-memory store and for inline checkpoints. */
  readonly walCheckpointer: WalCheckpointer | undefined;

  constructor(options: SqliteEventStoreOptions) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    this.database = options.readonly
      ? openReadOnlyDatabase(options.file, busyTimeoutMs)
      : openWritable(options.file, busyTimeoutMs);
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.maxAppendsPerCommit = options.maxAppendsPerCommit ?? 1_000;
    this.checkpoints = new SqliteCheckpointStore(
      this.database,
      this.database.readonly
        ? () => this.refuseWrite('checkpoints.compareAndSet')
        : (work) => this.commitWith(work),
      () => this.assertOpen(),
    );
    this.leases = this.database.readonly
      ? refusingLeases((operation) => this.refuseWrite(operation))
      : new SqliteLeaseStore(this.database, this.clock, () => this.assertOpen());
    this.statements = prepareStatements(this.database);
    this.transact = this.database.transaction((work: () => unknown) => work()) as never;
    const checkpoints = options.walCheckpoints ?? DEFAULT_WAL_CHECKPOINTER;
    this.walCheckpointer =
      checkpoints === 'inline' || this.database.memory || this.database.readonly
        ? undefined
        : new WalCheckpointer(this.database, checkpoints, (reason) =>
            options.onWarning?.(
              `${this.database.name}: WAL checkpoints are back in the commits (${reason})`,
            ),
          );
  }

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    return new SqliteEventStore(options);
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    this.assertWritable('append');
    assertStreamName(stream);
    assertAppendOptions(options);
    const prepared = prepareEvents(events, this.clock());
    return new Promise((resolve, reject) => {
      this.queue.push({
        stream,
        expectedRevision: options.expectedRevision,
        events: prepared,
        resolve,
        reject,
      });
      this.scheduleFlush();
    });
  }

  /**
   * Runs `work` (synchronous writes to this store's database) inside the next group commit,
   * in a savepoint of its own: it resolves once durable, and a failure undoes and fails only
   * `work`. For writes that need not be a transaction of their own, such as checkpoints.
   */
  commitWith<T>(work: () => T): Promise<T> {
    this.assertWritable('commitWith');
    return new Promise<T>((resolve, reject) => {
      this.writes.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(stream);
    const { direction, fromRevision, maxCount } = normaliseReadStream(options);
    const rows = answered(() =>
      direction === 'forwards'
        ? this.statements.readForwards.all(stream, fromRevision ?? 0, maxCount)
        : this.statements.readBackwards.all(
            stream,
            fromRevision ?? Number.MAX_SAFE_INTEGER,
            maxCount,
          ),
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { after, maxCount, types, categories } = normaliseReadAll(options);
    const rows = answered(() =>
      !types && !categories
        ? this.statements.readAll.all(after, maxCount)
        : this.filteredReadAll(after, maxCount, types, categories),
    );
    return rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return answered(() => this.statements.head.get()!.p);
  }

  async streamRevision(stream: string): Promise<number | undefined> {
    this.assertOpen();
    assertStreamName(stream);
    return answered(() => this.statements.streamRevision.get(stream)?.r ?? undefined);
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    normaliseReadAll({ after: options.after, ...pickFilter(options) });
    const subscription = pollingSubscription(
      { readAll: (o) => this.readAll(o), onAppended: (l) => this.onAppended(l) },
      options,
      this.pollIntervalMs,
    );
    this.subscriptions.add(subscription);
    void subscription.done.finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async readBatches(
    options: { afterBatch?: number; maxCount?: number } = {},
  ): Promise<SealedBatch[]> {
    this.assertOpen();
    const { afterBatch, maxCount } = normaliseReadBatches(options);
    const rows = answered(() => this.statements.readBatches.all(afterBatch, maxCount));
    return rows.map((row) => ({
      batch: row.batch,
      firstPosition: row.first_position,
      lastPosition: row.last_position,
      seal: row.seal,
    }));
  }

  /** Runs `listener` after every local commit; returns a function that unregisters it. */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Before the last flush, so that it cannot hand the file over; and the thread's connection
    // closes before this one: the last connection to close checkpoints and removes the WAL.
    const checkpointerClosed = this.walCheckpointer?.close();
    this.flush();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await checkpointerClosed;
    this.database.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }

  private assertWritable(operation: string): void {
    if (this.database.readonly) this.refuseWrite(operation);
    this.assertOpen();
  }

  private refuseWrite(operation: string): never {
    throw readOnlyRefusal(this.database.name, operation);
  }

  private flush(): void {
    this.flushScheduled = false;
    let committed = false;
    let ran = false;
    while (this.queue.length > 0 || this.writes.length > 0) {
      const group = this.queue.splice(0, this.maxAppendsPerCommit);
      const writes = this.writes.splice(0, this.maxAppendsPerCommit);
      committed = this.commitGroup(group, writes) || committed;
      ran = true;
    }
    if (committed) for (const listener of this.listeners) listener();
    // Read-model writes alone (a projection's rebuild) grow the WAL as appends do.
    if (ran) this.walCheckpointer?.committed();
  }

  /**
   * Commits a group in one transaction and settles every pending append; true if any wrote.
   * Expectations are checked before anything is written, so only an insert can fail midway
   * (a duplicate event id): then the group is retried with a savepoint per append, so the
   * failure sinks that append alone. A group that fails as a whole (the lock not granted in
   * time, a full disk) was rolled back, and every append and write in it gets the error.
   */
  private commitGroup(group: PendingAppend[], writes: PendingWrite[]): boolean {
    let outcomes: Outcome[];
    let written: WriteOutcome[];
    const fail = (error: unknown) => {
      for (const pending of group) pending.reject(error);
      for (const write of writes) write.reject(error);
      return false;
    };
    try {
      [outcomes, written] = this.runGroup(group, writes, false);
    } catch (error) {
      if (!isUniqueViolation(error)) return fail(unavailableIfLocked(error));
      try {
        [outcomes, written] = this.runGroup(group, writes, true);
      } catch (retryError) {
        return fail(unavailableIfLocked(retryError));
      }
    }
    writes.forEach((write, index) => {
      const outcome = written[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
    let wrote = false;
    group.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) {
        pending.resolve(outcome.result);
        wrote ||= outcome.wrote;
      } else {
        pending.reject(outcome.error);
      }
    });
    return wrote;
  }

  private runGroup(
    group: PendingAppend[],
    writes: PendingWrite[],
    isolate: boolean,
  ): [Outcome[], WriteOutcome[]] {
    return this.transact.immediate((): [Outcome[], WriteOutcome[]] => {
      const outcomes: Outcome[] = [];
      let head = this.statements.head.get()!.p;
      const last = this.statements.lastBatch.get();
      let batch = last?.batch ?? 0;
      let seal = last?.seal ?? GENESIS_SEAL;
      for (const pending of group) {
        try {
          const outcome = isolate
            ? this.transact(() => this.appendOne(pending, head, batch + 1, seal))
            : this.appendOne(pending, head, batch + 1, seal);
          if (outcome.seal !== undefined) {
            head = outcome.result.position;
            batch += 1;
            seal = outcome.seal;
          }
          outcomes.push({ ok: true, result: outcome.result, wrote: outcome.seal !== undefined });
        } catch (error) {
          // Without savepoints a failed insert leaves the transaction half-written: abort it.
          if (!isolate && isUniqueViolation(error)) throw error;
          this.assertStillInTransaction(error);
          outcomes.push({
            ok: false,
            error: isolate ? this.explainInsertFailure(error, pending.events) : error,
          });
        }
      }
      const written = writes.map((write): WriteOutcome => {
        try {
          return { ok: true, value: this.transact(write.work) };
        } catch (error) {
          this.assertStillInTransaction(error);
          return { ok: false, error };
        }
      });
      return [outcomes, written];
    });
  }

  /**
   * Some errors (a full disk, an I/O error, a trigger's RAISE(ROLLBACK)) make SQLite roll the
   * whole transaction back, not just the failed statement's savepoint. Carrying on would run
   * the rest of the group outside any transaction, each write committed on its own: the group
   * fails as one instead. So does a lock timeout, which says nothing about this one write.
   */
  private assertStillInTransaction(error: unknown): void {
    if (!this.database.inTransaction || isLockTimeout(error)) throw error;
  }

  /** Returns `seal` only when events were written (not for an idempotent retry). */
  private appendOne(
    pending: PendingAppend,
    head: number,
    batch: number,
    previousSeal: string,
  ): { result: AppendResult; seal?: string } {
    const { stream, expectedRevision, events } = pending;
    const current = this.statements.streamRevision.get(stream)?.r ?? undefined;
    const matches = revisionMatches(expectedRevision, current);
    // A retry of an append that was written no longer matches a numeric or `no_stream`
    // expectation, so only a mismatch, or a loose expectation, needs the id looked up. An id
    // taken by another stream fails the insert and is explained there.
    if (!matches || expectedRevision === 'any' || expectedRevision === 'stream_exists') {
      const existing = this.statements.eventById.get(events[0]!.id);
      if (existing) return { result: this.replayedAppend(pending, existing) };
    }
    if (!matches) throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    const firstRevision = current === undefined ? 0 : current + 1;
    const category = streamCategory(stream);
    const streamJson = JSON.stringify(stream);
    const bodies = new Array<string>(events.length);
    for (let index = 0; index < events.length; index++) {
      const e = events[index]!;
      const position = head + 1 + index;
      const revision = firstRevision + index;
      const body = canonicalPreparedText(e, position, streamJson, revision);
      // SQLite assigns max(rowid) + 1, which is faster than inserting an explicit key.
      const { lastInsertRowid } = this.statements.insertEvent.run(
        e.id,
        stream,
        revision,
        category,
        e.type,
        e.recordedAt,
        e.businessDate,
        batch,
        body,
      );
      // The message is built only when the invariant fails: this runs for every event.
      if (lastInsertRowid !== position)
        invariant(false, `position ${String(lastInsertRowid)} assigned where ${position} was due`);
      bodies[index] = body;
    }
    const seal = sealTexts(previousSeal, bodies);
    this.statements.insertBatch.run(batch, head + 1, head + events.length, seal);
    return {
      seal,
      result: {
        nextExpectedRevision: firstRevision + events.length - 1,
        firstPosition: head + 1,
        position: head + events.length,
      },
    };
  }

  /** The first event id exists: an exact retry returns the original result, anything else fails. */
  private replayedAppend(
    pending: PendingAppend,
    first: { stream: string; revision: number; position: number },
  ): AppendResult {
    const { stream, expectedRevision, events } = pending;
    let last = first;
    events.forEach((event, index) => {
      const row = this.statements.eventById.get(event.id);
      if (!row || row.stream !== stream || row.revision !== first.revision + index) {
        throw new DuplicateEventIdError(event.id, row?.stream ?? first.stream);
      }
      last = row;
    });
    const before = first.revision === 0 ? undefined : first.revision - 1;
    if (!revisionMatches(expectedRevision, before)) {
      const current = this.statements.streamRevision.get(stream)?.r ?? undefined;
      throw new WrongExpectedRevisionError(stream, expectedRevision, current);
    }
    return {
      nextExpectedRevision: last.revision,
      firstPosition: first.position,
      position: last.position,
    };
  }

  private explainInsertFailure(error: unknown, events: PreparedEvent[]): unknown {
    if (!isUniqueViolation(error)) return error;
    for (const event of events) {
      const row = this.statements.eventById.get(event.id);
      if (row) return new DuplicateEventIdError(event.id, row.stream);
    }
    return error;
  }

  private readonly filteredStatements = new Map<string, Database.Statement<unknown[], EventRow>>();

  private filteredReadAll(
    after: number,
    maxCount: number,
    types: readonly string[] | undefined,
    categories: readonly string[] | undefined,
  ): EventRow[] {
    if (types?.length === 0 || categories?.length === 0) return [];
    const key = `${types?.length ?? -1}:${categories?.length ?? -1}`;
    let statement = this.filteredStatements.get(key);
    if (!statement) {
      const clauses = ['position > ?'];
      if (types) clauses.push(`type IN (${types.map(() => '?').join(', ')})`);
      if (categories) clauses.push(`category IN (${categories.map(() => '?').join(', ')})`);
      statement = this.database
        .prepare<unknown[], EventRow>(
          `SELECT body FROM events WHERE ${clauses.join(' AND ')} ORDER BY position ${BOUND_LIMIT}`,
        )
        .pluck(true);
      this.filteredStatements.set(key, statement);
    }
    return statement.all(after, ...(types ?? []), ...(categories ?? []), maxCount);
  }
}

/**
 * The page cache of the connection that commits, in KiB: 16 MiB, better-sqlite3's own default,
 * named so that no service raises it. While a file is under 1 GiB, a commit whose b-tree
 * rebalancing renumbered pages (most group commits of many small appends) ends by walking
 * every page this cache holds. With 128 MiB, which savings and loan once set for their reads,
 * that walk cost 3.4% of the savings service's event loop and 23-37 us of CPU per append
 * (docs/performance.md: "Savings deposits: the tail, the warm-up, and a page cache walked at
 * every commit").
 */
export const COMMITTING_CACHE_KIB = 16_000;

/**
 * True when `db` is this SQLite store's own connection: writes to it can ride the store's group
 * commit (`commitWith`), and read models kept there commit with the events they follow.
 */
export function sharesStoreFile(
  store: EventStore,
  db: Database.Database,
): store is SqliteEventStore {
  return store instanceof SqliteEventStore && store.database === db;
}

function openWritable(file: string, busyTimeoutMs: number): Database.Database {
  const database = new Database(file);
  applyPragmas(database, busyTimeoutMs);
  database.pragma(`cache_size = -${COMMITTING_CACHE_KIB}`);
  migrate(database);
  return database;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function toRecordedEvent(body: EventRow): RecordedEvent {
  return JSON.parse(body) as RecordedEvent;
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
    head: db.prepare<[], { p: number }>('SELECT coalesce(max(position), 0) AS p FROM events'),
    lastBatch: db.prepare<[], { batch: number; seal: string }>(
      'SELECT batch, seal FROM batches ORDER BY batch DESC LIMIT 1',
    ),
    streamRevision: db.prepare<[string], { r: number | null }>(
      'SELECT max(revision) AS r FROM events WHERE stream = ?',
    ),
    eventById: db.prepare<[string], { stream: string; revision: number; position: number }>(
      'SELECT stream, revision, position FROM events WHERE id = ?',
    ),
    insertEvent: db.prepare(
      `INSERT INTO events (id, stream, revision, category, type, recorded_at, business_date, batch, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertBatch: db.prepare(
      'INSERT INTO batches (batch, first_position, last_position, seal) VALUES (?, ?, ?, ?)',
    ),
    readForwards: db
      .prepare<[string, number, number], EventRow>(
        `SELECT body FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ${BOUND_LIMIT}`,
      )
      .pluck(true),
    readBackwards: db
      .prepare<[string, number, number], EventRow>(
        `SELECT body FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC ${BOUND_LIMIT}`,
      )
      .pluck(true),
    readAll: db
      .prepare<[number, number], EventRow>(
        `SELECT body FROM events WHERE position > ? ORDER BY position ${BOUND_LIMIT}`,
      )
      .pluck(true),
    readBatches: db.prepare<
      [number, number],
      { batch: number; first_position: number; last_position: number; seal: string }
    >(
      `SELECT batch, first_position, last_position, seal FROM batches WHERE batch > ? ORDER BY batch ${BOUND_LIMIT}`,
    ),
  };
}
