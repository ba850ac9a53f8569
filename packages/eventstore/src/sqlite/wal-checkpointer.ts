import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program, plain JavaScript so that it runs the same under tsx, Jest and
 * the node's bundle. It opens its own connection to the file and, each time it is asked, runs
 * a PASSIVE checkpoint: it copies the frames the WAL holds back into the database file and
 * syncs it, without taking the writer's lock, so the writer's commits never wait for it.
 * After each checkpoint it pauses, so that a busy store is checkpointed a few times a second
 * rather than after every commit.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
let closed = false;
let pause;
parentPort.on('message', (message) => {
  if (message === 'close') {
    closed = true;
    clearTimeout(pause);
    db.close();
    parentPort.close();
    return;
  }
  let reply;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    reply = { kind: 'checkpointed', frames: result.log, copied: result.checkpointed };
  } catch (error) {
    reply = { kind: 'failed', reason: String(error && error.message ? error.message : error) };
  }
  pause = setTimeout(() => {
    if (!closed) parentPort.postMessage(reply);
  }, workerData.pauseMs);
});
parentPort.postMessage({ kind: 'ready' });
`;

type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'checkpointed'; frames: number; copied: number }
  | { kind: 'failed'; reason: string };

/** SQLite's own default: checkpoint in the committing connection once the WAL holds this many pages. */
const INLINE_AUTOCHECKPOINT_PAGES = 1_000;

export interface WalCheckpointerOptions {
  /** Commits that wrote before the worker starts: short-lived stores never start one. */
  startAfterCommits: number;
  /** The worker's pause after each checkpoint. */
  pauseMs: number;
}

export const DEFAULT_WAL_CHECKPOINTER: WalCheckpointerOptions = {
  startAfterCommits: 64,
  pauseMs: 50,
};

export type WalCheckpointerState = 'inline' | 'starting' | 'background' | 'failed' | 'closed';

/**
 * Moves a store's WAL checkpoints off the event loop. Left to itself, SQLite checkpoints
 * inside the commit that grows the WAL past 1,000 pages: that commit copies them all into the
 * database file and syncs it while every request waits. Once the store has committed a while,
 * this starts a worker thread with its own connection that checkpoints in the background,
 * and turns the committing connection's automatic checkpoints off. If the worker fails or
 * exits, automatic checkpoints come back on, so the WAL never grows without bound.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private commits = 0;
  private requested = false;
  private wanted = false;
  private closing: Promise<void> | undefined;
  private current: WalCheckpointerState = 'inline';
  /** Checkpoints the worker has run, for tests and operators. */
  checkpointsRun = 0;
  /** Why the worker stopped, when it failed. */
  failure: string | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly options: WalCheckpointerOptions = DEFAULT_WAL_CHECKPOINTER,
  ) {}

  get state(): WalCheckpointerState {
    return this.current;
  }

  /** Called after every commit that wrote. */
  committed(): void {
    if (this.current === 'inline') {
      this.commits += 1;
      if (this.commits >= this.options.startAfterCommits) this.start();
      return;
    }
    if (this.current !== 'background') return;
    if (this.requested) {
      this.wanted = true;
      return;
    }
    this.request();
  }

  /** Stops the worker and closes its connection; the caller closes its own afterwards. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private start(): void {
    this.current = 'starting';
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        file: this.file,
        pauseMs: this.options.pauseMs,
      },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (error) => this.fallBack(error.message));
    worker.on('exit', (code) => this.fallBack(`the checkpoint worker exited (${code})`));
    this.worker = worker;
  }

  private onReply(reply: WorkerReply): void {
    if (this.current === 'closed' || this.current === 'failed') return;
    if (reply.kind === 'ready') {
      this.db.pragma('wal_autocheckpoint = 0');
      this.current = 'background';
      this.request();
      return;
    }
    if (reply.kind === 'failed') {
      this.fallBack(reply.reason);
      return;
    }
    this.checkpointsRun += 1;
    this.requested = false;
    if (this.wanted) this.request();
  }

  private request(): void {
    this.requested = true;
    this.wanted = false;
    this.worker!.postMessage('checkpoint');
  }

  private fallBack(reason: string): void {
    if (this.current === 'closed' || this.current === 'failed') return;
    this.current = 'failed';
    this.failure = reason;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT_PAGES}`);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.current = 'closed';
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
