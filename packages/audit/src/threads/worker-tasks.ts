import { Worker } from 'node:worker_threads';
import { workerScript } from '@kopfed/service-kit';

/**
 * Work verify and replay hand to a second thread: the later part of a log to scan
 * (LaterPartOrder, verify/split-scan.ts) or to sum (ReplayPartOrder, replay/replay-books.ts).
 * audit-worker.ts runs it; the orders are typed there, as both of those modules import this.
 */
export interface WorkerTask {
  kind: 'verify-part' | 'replay-part';
  order: unknown;
}

export type WorkerMessage =
  | { kind: 'progress'; done: number }
  | { kind: 'outcome'; outcome: unknown }
  | { kind: 'failed'; reason: string };

export interface RunningTask<T> {
  /** The task's outcome; undefined if the worker failed or could not start. */
  outcome: Promise<T | undefined>;
  /** Called with the worker's progress (a position). */
  onProgress: (done: number) => void;
  stop(): Promise<void>;
}

/**
 * Starts `task` on a worker thread; undefined when there is no worker script to run, and the
 * caller does the work on its own thread. A worker that throws or exits resolves the outcome
 * to undefined: the caller then does the work itself.
 */
export function startWorkerTask<T>(task: WorkerTask): RunningTask<T> | undefined {
  const entry = workerScript(__dirname, 'audit-worker');
  if (!entry) return undefined;
  const worker = new Worker(entry.script, { eval: entry.eval, workerData: task });
  const running: RunningTask<T> = {
    outcome: new Promise((resolve) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'progress') running.onProgress(message.done);
        else resolve(message.kind === 'outcome' ? (message.outcome as T) : undefined);
      });
      worker.on('error', () => resolve(undefined));
      worker.on('exit', () => resolve(undefined));
    }),
    onProgress: () => undefined,
    stop: async () => {
      await worker.terminate();
    },
  };
  return running;
}
