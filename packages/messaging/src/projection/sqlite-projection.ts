import type Database from 'better-sqlite3';
import {
  EventStoreClosedError,
  type RecordedEvent,
  type SqliteEventStore,
  type Subscription,
} from '@kopfed/eventstore';

/** A read model kept in the store's own SQLite file, updated in the transaction that moves its checkpoint (the store's group commit). */
export interface SqliteProjectionDefinition {
  /** Names the checkpoint; bump it (e.g. `members-v2`) to rebuild after a change of shape. */
  name: string;
  /** Only these event types are read (all when absent). */
  types?: readonly string[];
  /** Creates the projection's tables (idempotent). */
  setUp(db: Database.Database): void;
  /** Drops everything the projection holds, for a rebuild. */
  reset(db: Database.Database): void;
  /** Applies one event; runs inside the batch's transaction, so it must be synchronous. */
  apply(db: Database.Database, event: RecordedEvent): void;
}

/** After a failure, the pause before following again: doubling from the first, up to a minute. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

export class SqliteProjection {
  private subscription: Subscription | undefined;
  private retry: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private readonly readCheckpoint;
  private readonly writeCheckpoint;
  private failure: unknown;
  private running = false;
  private onError: ((error: unknown) => void) | undefined;

  constructor(
    private readonly store: SqliteEventStore,
    readonly definition: SqliteProjectionDefinition,
    private readonly options: { retryFirstMs?: number } = {},
  ) {
    this.retryDelayMs = options.retryFirstMs ?? RETRY_FIRST_MS;
    const db = store.database;
    definition.setUp(db);
    this.readCheckpoint = db.prepare<[string], { position: number }>(
      'SELECT position FROM checkpoints WHERE name = ?',
    );
    this.writeCheckpoint = db.prepare<[string, number]>(
      `INSERT INTO checkpoints (name, position) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    );
  }

  get checkpointName(): string {
    return `projection:${this.definition.name}`;
  }

  /** Position the read model reflects. */
  get position(): number {
    return this.readCheckpoint.get(this.checkpointName)?.position ?? 0;
  }

  start(onError?: (error: unknown) => void): void {
    if (this.subscription) return;
    this.running = true;
    this.onError = onError;
    this.failure = undefined;
    this.follow();
  }

  private follow(): void {
    const db = this.store.database;
    /** The checkpoint this subscription's next batch moves on from. */
    let after = this.position;
    const applyBatch = (events: RecordedEvent[]) => (): boolean => {
      // Another process on this file moved the checkpoint: it applied these events already.
      if (this.position !== after) return false;
      for (const event of events) this.definition.apply(db, event);
      this.writeCheckpoint.run(this.checkpointName, events[events.length - 1]!.position);
      return true;
    };
    const subscription = this.store.subscribe({
      after,
      batchSize: 1_000,
      ...(this.definition.types ? { types: this.definition.types } : {}),
      // Rides the store's next group commit, in a savepoint: no commit (and fsync) of its own.
      batchHandler: async (events) => {
        if (!(await this.store.commitWith(applyBatch(events)))) throw new CheckpointMovedError();
        after = events[events.length - 1]!.position;
        this.failure = undefined;
        this.retryDelayMs = this.options.retryFirstMs ?? RETRY_FIRST_MS;
      },
      onError: (error) => {
        // The store closed under a batch it had read: nothing was applied, nothing failed.
        if (error instanceof EventStoreClosedError) return;
        // Follows on from where the other process left the checkpoint.
        if (error instanceof CheckpointMovedError) {
          if (this.subscription !== subscription) return;
          this.subscription = undefined;
          if (this.running) this.follow();
          return;
        }
        this.failure = error;
        this.onError?.(error);
        // A failure may pass (a busy database, a group commit failed by another write): follow
        // on from the checkpoint after a pause rather than leave the read model stale for good.
        if (this.subscription !== subscription) return;
        this.subscription = undefined;
        this.followLater();
      },
    });
    this.subscription = subscription;
  }

  private followLater(): void {
    if (!this.running || this.retry) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, RETRY_MAX_MS);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.running && !this.subscription) this.follow();
    }, delay);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** Resolves once the read model reflects every event up to `position` (bounded wait). */
  async catchUp(position?: number, timeoutMs = 30_000): Promise<void> {
    const target = position ?? (await this.store.headPosition());
    const deadline = Date.now() + timeoutMs;
    while (this.position < target && !this.hasNoMatchingEventsUpTo(target)) {
      if (this.failure !== undefined) throw asError(this.failure);
      if (Date.now() > deadline)
        throw new Error(
          `projection ${this.definition.name} did not reach ${target} in ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Drops the read model and rebuilds it from the whole log. */
  async rebuild(): Promise<void> {
    await this.stop();
    const db = this.store.database;
    db.transaction(() => {
      this.definition.reset(db);
      db.prepare('DELETE FROM checkpoints WHERE name = ?').run(this.checkpointName);
      this.definition.setUp(db);
    }).immediate();
    this.start(this.onError);
    await this.catchUp();
  }

  /** With a type filter the checkpoint stops at the last matching event, not the head. */
  private hasNoMatchingEventsUpTo(target: number): boolean {
    if (!this.definition.types) return false;
    const placeholders = this.definition.types.map(() => '?').join(', ');
    const row = this.store.database
      .prepare<unknown[], { n: number }>(
        `SELECT count(*) AS n FROM events WHERE position > ? AND position <= ? AND type IN (${placeholders})`,
      )
      .get(this.position, target, ...this.definition.types);
    return (row?.n ?? 0) === 0;
  }
}

/** A batch found the checkpoint moved by another process on the same file, and applied nothing. */
class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(JSON.stringify(error));
}
