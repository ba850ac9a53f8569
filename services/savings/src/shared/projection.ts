import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent, SqlWrite } from '@kopfed/eventstore';

/**
 * A read model in the service's read-model database, fed from its own event store and
 * checkpointed in the same transaction as its rows. Unlike @kopfed/messaging's
 * SqliteProjection it needs only the EventStore port, so the same read models serve the
 * embedded SQLite store and a KurrentDB store with a local read-model file.
 */
export interface ProjectionDefinition {
  /** Names the checkpoint; bump it (`accounts-v2`) when the shape changes, to rebuild. */
  name: string;
  categories: readonly string[];
  setUp(db: Database.Database): void;
  reset(db: Database.Database): void;
  /** Turns a page of events into the writes of one batch. */
  applyBatch(batch: ReadModelBatch, events: readonly RecordedEvent[]): void;
  /** The batch last applied did not commit: forget whatever it left in memory. */
  discard?(): void;
}

/** What a batch reads and how it writes. */
export interface ReadModelBatch {
  /** The read model as the batches before this one left it. */
  readonly db: Database.Database;
  /** Queues a write: a batch's writes commit together with its checkpoint, all or none. */
  readonly write: (sql: string, params: SqlWrite['params']) => void;
}

/**
 * Commits a batch's writes: by default in an immediate transaction of the read model's own
 * connection (inlineWriter); a store that keeps the read models in its own file lets them
 * ride its group commit; a read model in a file of its own can be written by a thread.
 */
export type ReadModelWriter = (writes: readonly SqlWrite[]) => Promise<void>;

/**
 * Runs a batch's writes on `db`, inside `commit` (a transaction of its own by default),
 * preparing each distinct statement once.
 */
export function inlineWriter(
  db: Database.Database,
  commit: <T>(work: () => T) => Promise<T> = async (work) => db.transaction(work).immediate(),
): ReadModelWriter {
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let found = statements.get(sql);
    if (!found) {
      found = db.prepare(sql);
      statements.set(sql, found);
    }
    return found;
  };
  return (writes) =>
    commit(() => {
      for (const { sql, params } of writes) {
        if (Array.isArray(params)) statement(sql).run(...(params as unknown[]));
        else statement(sql).run(params);
      }
    });
}

/**
 * A read model kept up to date in the background, wherever its batches run: on the event loop
 * (Projection) or on a thread of its own (accounts/accounts-projection-thread.ts).
 */
export interface ReadModelProjection {
  /** How far the committed read model has applied the log. */
  readonly position: number;
  start(onError?: (error: unknown) => void): void;
  stop(): Promise<void>;
  /** Resolves once every matching event up to `position` (the head when absent) is applied. */
  catchUp(position?: number, timeoutMs?: number): Promise<void>;
  /** Drops the read model and builds it again from the whole log. */
  rebuild(): Promise<void>;
}

const CHECKPOINT_DDL = `CREATE TABLE IF NOT EXISTS savings_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID`;
const WRITE_CHECKPOINT = `INSERT INTO savings_checkpoints (name, position) VALUES (?, ?)
  ON CONFLICT (name) DO UPDATE SET position = excluded.position`;

const BATCH = 5_000;
/** Idle polling, and the pause after a batch so that busy times commit few, large batches. */
const POLL_MS = 20;
const SETTLE_MS = 50;
/** After a failure, the pause before trying again: doubling from the first, up to a minute. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Makes the checkpoint table and the read model's tables in `db`, and returns what reads its
 * checkpoint: the position the committed read model has reached (0 before its first batch).
 */
export function checkpointOf(
  db: Database.Database,
  definition: ProjectionDefinition,
): () => number {
  db.exec(CHECKPOINT_DDL);
  definition.setUp(db);
  return checkpointReader(db, definition);
}

/** What reads the checkpoint, where `checkpointOf` has made the tables already. */
function checkpointReader(db: Database.Database, definition: ProjectionDefinition): () => number {
  const read = db.prepare<[string], { position: number }>(
    'SELECT position FROM savings_checkpoints WHERE name = ?',
  );
  return () => read.get(definition.name)?.position ?? 0;
}

export interface ProjectionOptions {
  /** The first pause after a failed batch (doubling from there, up to a minute). */
  retryFirstMs?: number;
  /**
   * Another connection made the tables (`checkpointOf`) before this one opened: set-up is
   * left out, for it writes (dropping a superseded read model's checkpoints), and so waits on
   * the file's write lock. A reset still makes them again.
   */
  tablesMade?: boolean;
}

/**
 * Waits until the read model has applied every event of its categories up to `position` (the
 * store's head when absent), or throws the failure that holds it back (`failure()`), or after
 * `timeoutMs`.
 */
export async function catchUpWith(
  store: Pick<EventStore, 'readAll' | 'headPosition'>,
  projection: { name: string; categories: readonly string[]; position: () => number },
  failure: () => unknown,
  position?: number,
  timeoutMs = 30_000,
): Promise<void> {
  const target = position ?? (await store.headPosition());
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = failure();
    if (failed !== undefined)
      throw failed instanceof Error ? failed : new Error('the projection failed');
    const next = await store.readAll({
      after: projection.position(),
      maxCount: 1,
      categories: projection.categories,
    });
    if (next.length === 0 || next[0]!.position > target) return;
    if (Date.now() > deadline)
      throw new Error(`projection ${projection.name} did not reach ${target} in ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** A read model whose batches run on the event loop. */
export class Projection implements ReadModelProjection {
  private running: Promise<void> | undefined;
  private stopping = false;
  private failure: unknown;
  /** What start was told, for the start after a rebuild. */
  private listeners: { onError?: (error: unknown) => void; onHealthy?: () => void } = {};
  private readonly readCheckpoint: () => number;
  private readonly writer: ReadModelWriter;
  /** Ends the pause under way early, when stopping. */
  private wake: (() => void) | undefined;
  private readonly retryFirstMs: number;

  constructor(
    private readonly store: Pick<EventStore, 'readAll' | 'headPosition'>,
    private readonly db: Database.Database,
    readonly definition: ProjectionDefinition,
    writer?: ReadModelWriter,
    options: ProjectionOptions = {},
  ) {
    this.writer = writer ?? inlineWriter(db);
    this.retryFirstMs = options.retryFirstMs ?? RETRY_FIRST_MS;
    this.readCheckpoint = options.tablesMade
      ? checkpointReader(db, definition)
      : checkpointOf(db, definition);
  }

  get position(): number {
    return this.readCheckpoint();
  }

  /**
   * Starts applying the log in the background. `onError` hears each failed batch (the loop tries
   * again from the checkpoint after a pause), `onHealthy` the first pass to succeed after the
   * start and after each failure.
   */
  start(onError?: (error: unknown) => void, onHealthy?: () => void): void {
    if (this.running) return;
    this.stopping = false;
    this.failure = undefined;
    this.listeners = { onError, onHealthy };
    let healthy = false;
    const apply = async (events: RecordedEvent[]) => {
      const writes: SqlWrite[] = [];
      try {
        this.definition.applyBatch(
          { db: this.db, write: (sql, params) => void writes.push({ sql, params }) },
          events,
        );
        writes.push({
          sql: WRITE_CHECKPOINT,
          params: [this.definition.name, events[events.length - 1]!.position],
        });
        await this.writer(writes);
      } catch (error) {
        this.definition.discard?.();
        throw error;
      }
    };
    this.running = (async () => {
      let retryMs = this.retryFirstMs;
      while (!this.stopping) {
        try {
          const events = await this.store.readAll({
            after: this.position,
            maxCount: BATCH,
            categories: this.definition.categories,
          });
          if (events.length > 0) await apply(events);
          this.failure = undefined;
          if (!healthy) {
            healthy = true;
            onHealthy?.();
          }
          retryMs = this.retryFirstMs;
          await this.pause(events.length === BATCH ? 0 : events.length > 0 ? SETTLE_MS : POLL_MS);
        } catch (error) {
          // A failure may pass (a busy database, a commit failed by another write): the batch
          // was undone whole, so try again from the checkpoint after a pause rather than leave
          // the read model stale for good. catchUp reports the failure meanwhile.
          this.failure = error;
          healthy = false;
          onError?.(error);
          await this.pause(retryMs);
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  catchUp(position?: number, timeoutMs?: number): Promise<void> {
    const { name, categories } = this.definition;
    const read = { name, categories, position: () => this.position };
    return catchUpWith(this.store, read, () => this.failure, position, timeoutMs);
  }

  /** Drops the read model and builds it again from the whole log. */
  async rebuild(): Promise<void> {
    await this.reset();
    this.start(this.listeners.onError, this.listeners.onHealthy);
    await this.catchUp();
  }

  /** Stops, then drops the read model with its checkpoint: the next start builds it again. */
  async reset(): Promise<void> {
    await this.stop();
    this.db
      .transaction(() => {
        this.definition.reset(this.db);
        this.db.prepare('DELETE FROM savings_checkpoints WHERE name = ?').run(this.definition.name);
        this.definition.setUp(this.db);
      })
      .immediate();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
