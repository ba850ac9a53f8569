import { parentPort, workerData } from 'node:worker_threads';
import { runScanOrder, type ScanOrder } from '../checkpoints/batch-scan';
import { replayPart, type ReplayPartOrder } from '../replay/replay-books';
import { scanLaterPart, type LaterPartOrder } from '../verify/split-scan';
import type { WorkerMessage, WorkerTask } from './worker-tasks';

/** The script of verify's, replay's and the sealer's thread: one task, its outcome, then done. */
const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);
const task = workerData as WorkerTask;
const progress = (done: number) => send({ kind: 'progress', done });
function run(task: WorkerTask): Promise<unknown> {
  switch (task.kind) {
    case 'verify-part':
      return scanLaterPart(task.order as LaterPartOrder, progress);
    case 'replay-part':
      return replayPart(task.order as ReplayPartOrder, progress);
    case 'seal-scan':
      return runScanOrder(task.order as ScanOrder);
    default: {
      const unknown: never = task.kind;
      return Promise.reject(new Error(`no such task: ${String(unknown)}`));
    }
  }
}
run(task)
  .then((outcome) => send({ kind: 'outcome', outcome }))
  .catch((error: unknown) =>
    send({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) }),
  );
