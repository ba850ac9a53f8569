import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

/**
 * The checkpoint thread's whole program, plain JavaScript so that it runs the same under tsx,
 * Jest and the node's bundle. It holds a connection of its own to each store file it is given
 * and, each time it is asked, runs a PASSIVE checkpoint of that file: it copies the frames the
 * WAL holds back into the database file and syncs it, without taking the writer's lock, so
 * the writer's commits never wait for it. It answers after a pause, so that a busy store is
 * checkpointed a few times a second rather than after every commit.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const files = new Map();
const reasonOf = (error) => String(error && error.message ? error.message : error);
parentPort.on('message', (order) => {
  if (order.kind === 'open') {
    try {
      const db = new Database(order.file, { fileMustExist: true });
      db.pragma('synchronous = FULL');
      files.set(order.id, { db, pauseMs: order.pauseMs, pause: undefined });
      parentPort.postMessage({ id: order.id, kind: 'ready' });
    } catch (error) {
      parentPort.postMessage({ id: order.id, kind: 'failed', reason: reasonOf(error) });
    }
    return;
  }
  const file = files.get(order.id);
  if (!file) return;
  if (order.kind === 'close') {
    clearTimeout(file.pause);
    files.delete(order.id);
    file.db.close();
    parentPort.postMessage({ id: order.id, kind: 'closed' });
    return;
  }
  let reply;
  try {
    const [result] = file.db.pragma('wal_checkpoint(PASSIVE)');
    reply = { id: order.id, kind: 'checkpointed', frames: result.log, copied: result.checkpointed };
  } catch (error) {
    reply = { id: order.id, kind: 'failed', reason: reasonOf(error) };
  }
  file.pause = setTimeout(() => {
    if (files.has(order.id)) parentPort.postMessage(reply);
  }, file.pauseMs);
});
`;

type Order =
  | { kind: 'open'; id: number; file: string; pauseMs: number }
  | { kind: 'checkpoint' | 'close'; id: number };

type Reply =
  | { id: number; kind: 'ready' }
  | { id: number; kind: 'closed' }
  | { id: number; kind: 'checkpointed'; frames: number; copied: number }
  | { id: number; kind: 'failed'; reason: string };

interface ThreadClient {
  onReply(reply: Reply): void;
  /** The thread failed or exited without being asked to. */
  onLost(reason: string): void;
}

/**
 * The process's one checkpoint thread, shared by every file store that wants one: started
 * for the first, stopped when the last closes.
 */
class CheckpointThread {
  private static shared: CheckpointThread | undefined;
  private readonly worker: Worker;
  private readonly clients = new Map<number, ThreadClient>();
  private nextId = 1;

  static join(
    client: ThreadClient,
    file: string,
    options: WalCheckpointerOptions,
  ): [CheckpointThread, number] {
    const thread = (CheckpointThread.shared ??= new CheckpointThread());
    const id = thread.nextId++;
    thread.clients.set(id, client);
    thread.send({ kind: 'open', id, file, pauseMs: options.pauseMs });
    return [thread, id];
  }

  private constructor() {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.clients.get(reply.id)?.onReply(reply));
    this.worker.on('error', (error) => this.lose(error.message));
    this.worker.on('exit', (code) => this.lose(`the checkpoint thread exited (${code})`));
  }

  send(order: Order): void {
    this.worker.postMessage(order);
  }

  /** Forgets a client whose file the thread has closed; the last one stops the thread. */
  leave(id: number): void {
    this.clients.delete(id);
    if (this.clients.size > 0 || CheckpointThread.shared !== this) return;
    CheckpointThread.shared = undefined;
    void this.worker.terminate();
  }

  private lose(reason: string): void {
    if (CheckpointThread.shared === this) CheckpointThread.shared = undefined;
    const clients = [...this.clients.values()];
    this.clients.clear();
    for (const client of clients) client.onLost(reason);
  }
}

/** SQLite's own default: checkpoint in the committing connection once the WAL holds this many pages. */
const INLINE_AUTOCHECKPOINT_PAGES = 1_000;

export interface WalCheckpointerOptions {
  /** Group commits before the store hands its checkpoints over: short-lived stores never do. */
  startAfterCommits: number;
  /** The thread's pause after each checkpoint of this store. */
  pauseMs: number;
  /**
   * WAL pages past which the committing connection still checkpoints, as SQLite's automatic
   * checkpoint. By then the thread has copied nearly all of them, so that checkpoint is short;
   * it is what lets the next commit write the WAL from its start again, which under steady
   * writes a checkpoint from another connection alone rarely does (then the WAL, and every
   * read's search of it, grows without end). If the thread falls behind, it bounds the WAL.
   */
  inlineAfterPages: number;
}

export const DEFAULT_WAL_CHECKPOINTER: WalCheckpointerOptions = {
  startAfterCommits: 64,
  pauseMs: 100,
  inlineAfterPages: 8_192,
};

export type WalCheckpointerState = 'inline' | 'starting' | 'background' | 'failed' | 'closed';

/**
 * Moves a store's WAL checkpoints off the event loop. Left to itself, SQLite checkpoints
 * inside the commit that grows the WAL past 1,000 pages: that commit copies them all into the
 * database file and syncs it while every request waits. Once the store has committed a while,
 * this gives its file to the process's checkpoint thread, which checkpoints it in the
 * background through a connection of its own, and raises the committing connection's
 * automatic checkpoint to `inlineAfterPages`. If the thread fails or exits, it comes back to
 * 1,000 pages.
 */
export class WalCheckpointer implements ThreadClient {
  private thread: CheckpointThread | undefined;
  private id = 0;
  private commits = 0;
  private requested = false;
  private wanted = false;
  private closing: Promise<void> | undefined;
  private closed: (() => void) | undefined;
  private current: WalCheckpointerState = 'inline';
  /** Checkpoints the thread has run for this store, for tests and operators. */
  checkpointsRun = 0;
  /** Why checkpoints went back inline, when they did. */
  failure: string | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly options: WalCheckpointerOptions = DEFAULT_WAL_CHECKPOINTER,
  ) {}

  get state(): WalCheckpointerState {
    return this.current;
  }

  /** Called after every group commit. */
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

  /** Closes the thread's connection to the file; the caller closes its own afterwards. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  onReply(reply: Reply): void {
    if (reply.kind === 'closed') {
      this.closed?.();
      return;
    }
    if (this.current === 'closed' || this.current === 'failed') return;
    if (reply.kind === 'ready') {
      this.db.pragma(`wal_autocheckpoint = ${this.options.inlineAfterPages}`);
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

  onLost(reason: string): void {
    this.thread = undefined;
    this.closed?.();
    this.fallBack(reason);
  }

  private start(): void {
    this.current = 'starting';
    [this.thread, this.id] = CheckpointThread.join(this, this.file, this.options);
  }

  private request(): void {
    this.requested = true;
    this.wanted = false;
    this.thread?.send({ kind: 'checkpoint', id: this.id });
  }

  /** Back to SQLite's own checkpoints, for good: the WAL must never grow without bound. */
  private fallBack(reason: string): void {
    if (this.current === 'closed' || this.current === 'failed') return;
    this.current = 'failed';
    this.failure = reason;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${INLINE_AUTOCHECKPOINT_PAGES}`);
    const thread = this.thread;
    this.thread = undefined;
    if (!thread) return;
    thread.send({ kind: 'close', id: this.id });
    thread.leave(this.id);
  }

  private async stop(): Promise<void> {
    const thread = this.thread;
    this.current = 'closed';
    this.thread = undefined;
    if (!thread) return;
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    thread.send({ kind: 'close', id: this.id });
    await closed;
    thread.leave(this.id);
  }
}
