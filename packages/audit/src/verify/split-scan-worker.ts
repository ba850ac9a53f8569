import { parentPort, workerData } from 'node:worker_threads';
import { scanLaterPart, type LaterPartOrder, type SplitMessage } from './split-scan';

/** The worker thread of a split scan: scans the later part of the log and hands back its outcome. */
const port = parentPort!;
const send = (message: SplitMessage) => port.postMessage(message);
scanLaterPart(workerData as LaterPartOrder, (done) => send({ kind: 'progress', done }))
  .then((outcome) => send({ kind: 'outcome', outcome }))
  .catch((error: unknown) =>
    send({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) }),
  );
