import { parentPort, workerData } from 'node:worker_threads';
import { replayPart, type ReplayPartOrder } from '../replay/replay-books';
import { scanLaterPart, type LaterPartOrder } from '../verify/split-scan';
import type { WorkerMessage, WorkerTask } from './worker-tasks';

/** The script of verify's and replay's worker thread: one task, its outcome, then done. */
const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);
const task = workerData as WorkerTask;
const progress = (done: number) => send({ kind: 'progress', done });
const work: Promise<unknown> =
  task.kind === 'verify-part'
    ? scanLaterPart(task.order as LaterPartOrder, progress)
    : replayPart(task.order as ReplayPartOrder, progress);
work
  .then((outcome) => send({ kind: 'outcome', outcome }))
  .catch((error: unknown) =>
    send({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) }),
  );
