import { Worker } from 'node:worker_threads';
import {
  OrdersInFlight,
  SqliteEventStore,
  SqliteWriterThread,
  type EventStore,
} from '@kopfed/eventstore';
import { workerScript, type WorkerScript } from '@kopfed/service-kit';
import {
  catchUpWith,
  checkpointOf,
  Projection,
  type ProjectionDefinition,
  type ReadModelProjection,
} from '../shared/projection';
import { accountsProjection } from './account-projection';
import type { AccountsFile } from './accounts-file';

/** What the thread is started with (workerData). */
export interface ProjectionThreadData {
  storeFile: string;
  accountsFile: string;
  synchronous: AccountsFile['synchronous'];
  retryFirstMs?: number;
}

/** What the event loop asks of the thread; each order is answered by its id. */
export interface ProjectionOrder {
  id: number;
  kind: 'start' | 'reset' | 'close';
}

export type ProjectionReply =
  | { kind: 'done'; id: number }
  | { kind: 'refused'; id: number; reason: string }
  | { kind: 'failed'; reason: string }
  /** The first pass to succeed since the thread started or last failed. */
  | { kind: 'healthy' };

/** After the thread itself is lost, the pause before a new one starts: doubling, up to a minute. */
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 60_000;

/**
 * The accounts read model as the service keeps it in its own file: where the events are in a
 * SQLite file, the whole projection runs on a thread (accounts-projection.worker.ts), reading
 * the events through a read-only connection of its own and writing the file through another,
 * so that neither reading, applying nor writing a batch takes the event loop's time. Elsewhere
 * (a KurrentDB store, or no worker script), the batches are applied on the event loop and
 * only their commits go to a writer thread.
 *
 * `close` stops the projection and its thread; the caller closes the file after it.
 */
export async function openAccountsProjection(
  store: EventStore,
  file: AccountsFile,
): Promise<{ projection: ReadModelProjection; close(): Promise<void> }> {
  const script = workerScript(__dirname, 'accounts-projection.worker');
  if (store instanceof SqliteEventStore && !store.database.memory && script) {
    const projection = new AccountsProjectionThread(store, file, script);
    return { projection, close: () => projection.stop() };
  }
  const thread = await SqliteWriterThread.open(file.db.name, { synchronous: file.synchronous });
  let projection: Projection;
  try {
    projection = new Projection(store, file.db, accountsProjection(), thread.commit.bind(thread));
  } catch (error) {
    await thread.close();
    throw error;
  }
  return {
    projection,
    close: async () => {
      await projection.stop();
      await thread.close();
    },
  };
}

/**
 * The event loop's side of the projection's thread: it starts and stops the thread, reads the
 * checkpoint through the file's main connection (the thread's commits show there at once), and
 * hears the thread's failures, which `catchUp` reports as the event-loop projection does.
 *
 * A thread exists only while the projection runs. One lost (an uncaught error, out of memory)
 * is reported to `onError` and replaced after a pause, from the checkpoint.
 */
export class AccountsProjectionThread implements ReadModelProjection {
  private readonly definition: ProjectionDefinition;
  private readonly readCheckpoint: () => number;
  private worker: Worker | undefined;
  /** Whether the projection should be running (a lost thread is replaced while it should). */
  private wanted = false;
  private failure: Error | undefined;
  private onError: ((error: unknown) => void) | undefined;
  private readonly orders = new OrdersInFlight();
  private restartMs = RESTART_FIRST_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SqliteEventStore,
    private readonly file: AccountsFile,
    private readonly script: WorkerScript,
    private readonly retryFirstMs?: number,
  ) {
    // The tables are made (and a superseded read model dropped) here, before any thread reads
    // them: the main connection's readers need them from the start.
    this.definition = accountsProjection();
    this.readCheckpoint = checkpointOf(file.db, this.definition);
  }

  get position(): number {
    return this.readCheckpoint();
  }

  start(onError?: (error: unknown) => void): void {
    void this.serially(async () => {
      if (this.wanted) return;
      this.wanted = true;
      this.onError = onError;
      this.failure = undefined;
      await this.launch('start');
    });
  }

  stop(): Promise<void> {
    return this.serially(() => this.halt());
  }

  catchUp(position?: number, timeoutMs?: number): Promise<void> {
    const { name, categories } = this.definition;
    const read = { name, categories, position: () => this.position };
    return catchUpWith(this.store, read, () => this.failure, position, timeoutMs);
  }

  async rebuild(): Promise<void> {
    await this.serially(async () => {
      await this.halt();
      this.wanted = true;
      this.failure = undefined;
      await this.launch('reset');
    });
    await this.catchUp();
  }

  /**
   * Runs start, stop, rebuild and a lost thread's replacement one after another, each after
   * the one before has settled: none of them ever sees another's thread half started or half
   * closed.
   */
  private serially(work: () => Promise<void>): Promise<void> {
    const done = this.lifecycle.then(work);
    this.lifecycle = done.catch(() => undefined);
    return done;
  }

  /** Closes the thread, after the batch it is applying: its connections close with it. */
  private async halt(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.order(worker, 'close');
    } catch {
      // A thread already lost has nothing left to close.
    }
    if (this.worker === worker) this.worker = undefined;
    await worker.terminate();
  }

  /**
   * Starts a thread and gives it its first order: start from the checkpoint, or reset first
   * (the thread then starts from the beginning; if the reset fails, from the checkpoint).
   */
  private launch(kind: 'start' | 'reset'): Promise<void> {
    const worker = this.spawn();
    return this.order(worker, kind).catch((error: Error) => {
      // A refused reset is the rebuild's to report: the thread runs on from the checkpoint and
      // reports its own health (its 'healthy' may even come before this refusal).
      if (kind === 'reset') throw error;
      // The thread reports its own failures as they happen; this one it could not.
      if (this.worker === worker) this.fail(error);
    });
  }

  private spawn(): Worker {
    const data: ProjectionThreadData = {
      storeFile: this.store.database.name,
      accountsFile: this.file.db.name,
      synchronous: this.file.synchronous,
      retryFirstMs: this.retryFirstMs,
    };
    const worker = new Worker(this.script.script, { eval: this.script.eval, workerData: data });
    this.worker = worker;
    worker.on('message', (reply: ProjectionReply) => {
      if (reply.kind === 'failed') this.fail(new Error(reply.reason));
      else if (reply.kind === 'healthy') {
        this.failure = undefined;
        this.restartMs = RESTART_FIRST_MS;
      } else {
        this.orders.settle(reply.id, reply.kind === 'done' ? undefined : new Error(reply.reason));
      }
    });
    // A thread's uncaught error arrives as a copy that may have lost its message (a
    // SqliteError keeps only its code); the thread reported it whole before it ended.
    worker.on('error', (error: { message?: unknown; code?: unknown }) =>
      this.lose(worker, reasonOf(error)),
    );
    worker.on('exit', (code) => this.lose(worker, `exit code ${code}`));
    // Only an order in flight holds the process open (OrdersInFlight refs it); a running
    // projection does not, the service's close stops it. Not before the listeners: adding one
    // refs it again.
    worker.unref();
    return worker;
  }

  private order(worker: Worker, kind: ProjectionOrder['kind']): Promise<void> {
    return this.orders.post(worker, (id): ProjectionOrder => ({ id, kind }));
  }

  private fail(error: Error): void {
    this.failure = error;
    this.onError?.(error);
  }

  /** The thread is gone: fail what waited on it and, if the projection should run, replace it. */
  private lose(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const error = new Error(`${this.file.db.name}: the projection thread stopped (${reason})`);
    this.orders.failAll(worker, error);
    if (!this.wanted) return;
    this.fail(error);
    this.restartTimer = setTimeout(() => {
      void this.serially(async () => {
        if (this.wanted && !this.worker) await this.launch('start');
      });
    }, this.restartMs);
    this.restartTimer.unref();
    this.restartMs = Math.min(this.restartMs * 2, RESTART_MAX_MS);
  }
}

/** What a thread's error says: its message, else its code (see spawn). */
function reasonOf(error: { message?: unknown; code?: unknown }): string {
  if (typeof error.message === 'string') return error.message;
  if (typeof error.code === 'string') return error.code;
  return 'an uncaught error';
}
