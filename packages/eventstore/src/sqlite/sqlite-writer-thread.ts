import { Worker } from 'node:worker_threads';
import { EventStoreUnavailableError } from '../errors';
import { isLockTimeout } from './lock-timeout';
import { OrdersInFlight } from './orders-in-flight';

/** One statement of a batch: its SQL and its parameters, positional or named. */
export interface SqlWrite {
  sql: string;
  params: readonly unknown[] | Readonly<Record<string, unknown>>;
}

/**
 * The thread's whole program, plain JavaScript so that it runs the same under tsx, Jest and
 * the node's bundle. It holds the file's one writing connection and runs each batch it is sent
 * in one IMMEDIATE transaction, preparing each distinct SQL text once. Parameters arrive by
 * structured clone, so bigints and buffers bind as they would on the sending thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// synchronous = NORMAL is sound through a power cut in WAL mode only: in a rollback journal
// it can leave the file corrupt.
if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
  db.close();
  throw new Error(workerData.file + ' is not in WAL mode');
}
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('synchronous = ' + workerData.synchronous);
const statements = new Map();
const statement = (sql) => {
  let found = statements.get(sql);
  if (!found) {
    if (statements.size >= 256) statements.clear();
    found = db.prepare(sql);
    statements.set(sql, found);
  }
  return found;
};
const commit = db.transaction((writes) => {
  for (const write of writes) {
    const s = statement(write.sql);
    if (Array.isArray(write.params)) s.run(...write.params);
    else s.run(write.params);
  }
});
parentPort.on('message', (order) => {
  if (order.kind === 'close') {
    db.close();
    parentPort.postMessage({ id: order.id, kind: 'closed' });
    parentPort.close();
    return;
  }
  try {
    commit.immediate(order.writes);
    parentPort.postMessage({ id: order.id, kind: 'committed' });
  } catch (error) {
    const reason = String(error && error.message ? error.message : error);
    const code = error && typeof error.code === 'string' ? error.code : undefined;
    parentPort.postMessage({ id: order.id, kind: 'failed', reason, code });
  }
});
parentPort.postMessage({ id: 0, kind: 'ready' });
`;

type Order =
  { kind: 'commit'; id: number; writes: readonly SqlWrite[] } | { kind: 'close'; id: number };
type Reply =
  | { id: number; kind: 'ready' | 'committed' | 'closed' }
  | { id: number; kind: 'failed'; reason: string; code?: string };

export interface SqliteWriterThreadOptions {
  /**
   * `NORMAL` suits a read model: in WAL mode it loses no commit to a crash of the process, and
   * a power cut can only take back its last commits whole, rows and checkpoint together, which
   * the projection then applies again. `FULL` syncs every commit. `OFF` never syncs: a crash
   * of the process still loses nothing (the writes are in the system's page cache), but a
   * crash of the system or a power cut can leave the file torn, so only an owner that builds
   * the file again after one may ask for it (the savings accounts file does: see
   * accounts-file.ts).
   */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
}

/**
 * The one connection that writes a SQLite file, on a thread of its own: the writes and the
 * commit's sync run there, and the event loop only sends the batch and waits for the answer.
 * Readers keep their own connections on the main thread; in WAL mode they read what the
 * thread has committed, without waiting for it. The file must exist and be in WAL mode (the
 * opener creates its tables first).
 *
 * A thread that fails or exits fails the batches it was given; the next batch starts a new
 * one. Its connection is safe beside the main thread's only because both threads load the same
 * better-sqlite3 addon (see wal-checkpointer.ts).
 */
export class SqliteWriterThread {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly orders = new OrdersInFlight();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly options: Required<SqliteWriterThreadOptions>,
  ) {}

  /** Starts the thread on `file`; resolves once its connection is open. */
  static async open(
    file: string,
    options: SqliteWriterThreadOptions = {},
  ): Promise<SqliteWriterThread> {
    const thread = new SqliteWriterThread(file, {
      synchronous: options.synchronous ?? 'NORMAL',
      busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
    });
    await thread.start();
    return thread;
  }

  /** Runs `writes` in one transaction on the thread; resolves once it has committed. */
  async commit(writes: readonly SqlWrite[]): Promise<void> {
    if (this.closed) throw new Error(`${this.file}: the writer thread is closed`);
    await this.start();
    await this.send((id) => ({ kind: 'commit', id, writes }));
  }

  /** Closes the thread's connection, after the batches already sent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.ready;
      await this.send((id) => ({ kind: 'close', id }));
    } catch {
      // A thread already lost has no connection left to close.
    }
    await worker.terminate();
  }

  private start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: require.resolve('better-sqlite3'),
          file: this.file,
          synchronous: this.options.synchronous,
          busyTimeoutMs: this.options.busyTimeoutMs,
        },
      });
      this.worker = worker;
      worker.on('message', (reply: Reply) => {
        if (reply.id === 0) {
          // Only its start and a batch in flight keep the process alive (see send). Not
          // before: listening to the worker refs it again.
          if (this.orders.size === 0) worker.unref();
          resolve();
          return;
        }
        this.orders.settle(reply.id, reply.kind === 'failed' ? this.failure(reply) : undefined);
      });
      const lose = (reason: string) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.ready = undefined;
        const error = new Error(`${this.file}: the writer thread stopped (${reason})`);
        reject(error);
        this.orders.failAll(worker, error);
      };
      worker.on('error', (error) => lose(error.message));
      worker.on('exit', (code) => lose(`exit code ${code}`));
    });
    return this.ready;
  }

  /**
   * A batch the thread could not commit, with SQLite's code: a lock held past the busy timeout
   * is the store not answering (a 503 to a request that waited for it), anything else is kept.
   */
  private failure(reply: { reason: string; code?: string }): Error {
    const error = Object.assign(new Error(`${this.file}: ${reply.reason}`), { code: reply.code });
    return isLockTimeout(error) ? new EventStoreUnavailableError(error) : error;
  }

  private send(order: (id: number) => Order): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error(`${this.file}: the writer thread stopped`));
    return this.orders.post(worker, order);
  }
}
