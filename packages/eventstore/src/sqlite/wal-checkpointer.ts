import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { invariant } from '@kopfed/domain';

/**
 * The checkpoint thread's whole program, plain JavaScript so that it runs the same under tsx,
 * Jest and the node's bundle. It holds a connection of its own to each store file it is given
 * and, each time it is asked, runs a PASSIVE checkpoint of that file: it copies the frames the
 * WAL holds back into the database file and syncs it. A PASSIVE checkpoint takes no writer's
 * lock, so commits do not wait for it (they share the disk with it, and an inline checkpoint
 * that finds it running is skipped until the next commit). It answers after a pause, so that a
 * busy store is checkpointed at most every `pauseMs` rather than after every commit. It answers
 * every `close`, even of a file it never opened, so that a store's close never waits in vain.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const files = new Map();
const reasonOf = (error) => String(error && error.message ? error.message : error);
const answer = (id, kind, reason) => parentPort.postMessage({ id, kind, reason });
parentPort.on('message', (order) => {
  const file = files.get(order.id);
  switch (order.kind) {
    case 'open':
      try {
        const db = new Database(order.file, { fileMustExist: true });
        db.pragma('synchronous = FULL');
        files.set(order.id, { db, pauseMs: order.pauseMs, pause: undefined });
        answer(order.id, 'ready');
      } catch (error) {
        answer(order.id, 'failed', reasonOf(error));
      }
      return;
    case 'close':
      if (file) {
        clearTimeout(file.pause);
        files.delete(order.id);
        file.db.close();
      }
      answer(order.id, 'closed');
      return;
    case 'checkpoint': {
      if (!file) return;
      let kind = 'checkpointed';
      let reason;
      try {
        file.db.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        kind = 'failed';
        reason = reasonOf(error);
      }
      file.pause = setTimeout(() => {
        if (files.has(order.id)) answer(order.id, kind, reason);
      }, file.pauseMs);
    }
  }
});
`;

type Order =
  | { kind: 'open'; id: number; file: string; pauseMs: number }
  | { kind: 'checkpoint' | 'close'; id: number };

type Reply =
  | { id: number; kind: 'ready' }
  | { id: number; kind: 'closed' }
  | { id: number; kind: 'checkpointed' }
  | { id: number; kind: 'failed'; reason: string };

interface ThreadClient {
  onReply(reply: Reply): void;
  /** The thread failed or exited without being asked to. */
  onLost(reason: string): void;
}

/**
 * The process's one checkpoint thread, shared by every file store that wants one: started
 * for the first, stopped when the last leaves.
 *
 * Its connections are safe beside the stores' own only because both threads load the same
 * better-sqlite3 addon, so one SQLite library holds every lock on a file. A second copy of
 * SQLite in the process (another addon build, a `nativeBinding` option) would not see the
 * other's locks: closing its connection could then checkpoint and delete a WAL still in use.
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

  /** Forgets a client; the last one stops the thread (which closes any connection left). */
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

export interface WalCheckpointerOptions {
  /** Flushes that committed before the store hands its checkpoints over: short-lived stores never do. */
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

/** How long a store's close waits for the thread to close its connection. */
const CLOSE_TIMEOUT_MS = 5_000;

export type WalCheckpointerState = 'inline' | 'starting' | 'background' | 'failed' | 'closed';

/**
 * Moves most of a store's WAL checkpointing off the event loop. Left to itself, SQLite
 * checkpoints inside the commit that grows the WAL past 1,000 pages: that commit copies them
 * all into the database file and syncs it while every request waits. Once the store has
 * committed a while, this gives its file to the process's checkpoint thread, which checkpoints
 * it in the background through a connection of its own, and raises the committing
 * connection's automatic checkpoint to `inlineAfterPages` (that one, by design, stays inline).
 * If the thread fails or exits, the automatic checkpoint goes back to what it was.
 */
export class WalCheckpointer implements ThreadClient {
  private thread: CheckpointThread | undefined;
  private id = 0;
  private flushes = 0;
  private checkpointInFlight = false;
  private committedSinceRequest = false;
  private inlinePages = 0;
  private closing: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;
  private current: WalCheckpointerState = 'inline';
  /** Checkpoints the thread has run for this store, for tests and the crash writer. */
  checkpointsRun = 0;
  /** Why checkpoints went back inline, if they did (also told to `onFallback`). */
  failure: string | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly options: WalCheckpointerOptions = DEFAULT_WAL_CHECKPOINTER,
    /** Told once, with the reason, if checkpoints go back inline. */
    private readonly onFallback: (reason: string) => void = () => undefined,
  ) {}

  get state(): WalCheckpointerState {
    return this.current;
  }

  /** Called after every flush that committed. */
  committed(): void {
    switch (this.current) {
      case 'inline':
        this.flushes += 1;
        if (this.flushes >= this.options.startAfterCommits) this.start();
        return;
      case 'background':
        if (this.checkpointInFlight) this.committedSinceRequest = true;
        else this.request();
        return;
      default:
        return;
    }
  }

  /**
   * Closes the thread's connection to the file; the caller closes its own afterwards. Call it
   * before the store's last flush: a store that is closing never hands its file over.
   */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  onReply(reply: Reply): void {
    if (reply.kind === 'closed') {
      this.resolveClosed?.();
      return;
    }
    if (this.current !== 'starting' && this.current !== 'background') return;
    switch (reply.kind) {
      case 'ready':
        if (!this.db.open) return;
        this.inlinePages = this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
        this.db.pragma(`wal_autocheckpoint = ${this.options.inlineAfterPages}`);
        this.current = 'background';
        this.request();
        return;
      case 'failed':
        this.fallBack(reply.reason);
        return;
      case 'checkpointed':
        this.checkpointsRun += 1;
        this.checkpointInFlight = false;
        if (this.committedSinceRequest) this.request();
        return;
      default:
        reply satisfies never;
    }
  }

  onLost(reason: string): void {
    this.thread = undefined;
    this.resolveClosed?.();
    this.fallBack(reason);
  }

  private start(): void {
    this.current = 'starting';
    try {
      [this.thread, this.id] = CheckpointThread.join(this, this.db.name, this.options);
    } catch (error) {
      this.fallBack(error instanceof Error ? error.message : String(error));
    }
  }

  private request(): void {
    invariant(this.thread, 'a store checkpointing in the background has a thread');
    this.checkpointInFlight = true;
    this.committedSinceRequest = false;
    this.thread.send({ kind: 'checkpoint', id: this.id });
  }

  /** Back to SQLite's own checkpoints, for good: the WAL must never grow without bound. */
  private fallBack(reason: string): void {
    if (this.current === 'closed' || this.current === 'failed') return;
    const handedOver = this.current === 'background';
    this.current = 'failed';
    this.failure = reason;
    if (handedOver && this.db.open) this.db.pragma(`wal_autocheckpoint = ${this.inlinePages}`);
    const thread = this.thread;
    this.thread = undefined;
    thread?.send({ kind: 'close', id: this.id });
    thread?.leave(this.id);
    this.onFallback(reason);
  }

  private async stop(): Promise<void> {
    const thread = this.thread;
    this.current = 'closed';
    this.thread = undefined;
    if (!thread) return;
    let timer: NodeJS.Timeout | undefined;
    // The thread answers every close; the bound is for a thread that hangs.
    await new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      thread.send({ kind: 'close', id: this.id });
    });
    clearTimeout(timer);
    thread.leave(this.id);
  }
}
