/**
 * Child process of the crash-durability case: appends numbered batches with several in
 * flight at once and prints `ack <batch>` once each append is acknowledged, until killed.
 *   crash-writer <store url> <service> <first batch> <events per batch> [eager-checkpoints]
 * With `eager-checkpoints` (a sqlite:<directory> URL), the store hands its WAL checkpoints
 * to the checkpoint thread at its first commit, and the writer prints `checkpointed` once
 * the thread has run one.
 */
import { randomUUID } from 'node:crypto';
import { openEventStore } from '../open-event-store';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';

const [url, service, first, size, mode] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string | undefined,
];
const eager = mode === 'eager-checkpoints';
const store = openEventStore(url, {
  service,
  // A short WAL, so that the store's own checkpoints and restarts happen too.
  ...(eager && { walCheckpoints: { startAfterCommits: 1, pauseMs: 0, inlineAfterPages: 256 } }),
});
if (eager && store instanceof SqliteEventStore && store.walCheckpointer) {
  const checkpointer = store.walCheckpointer;
  const watch = setInterval(() => {
    if (checkpointer.checkpointsRun === 0) return;
    process.stdout.write('checkpointed\n');
    clearInterval(watch);
  }, 5);
}
const eventsPerBatch = Number(size);
const IN_FLIGHT = 8;
let next = Number(first);

async function writer(): Promise<void> {
  for (let i = 0; i < 1_000_000; i++) {
    const batch = next++;
    const events = Array.from({ length: eventsPerBatch }, (_, index) => ({
      id: randomUUID(),
      type: 'CrashTested',
      schemaVersion: 1,
      data: { batch, index, padding: 'x'.repeat(200) },
    }));
    await store.append(`crash-${batch % 16}`, events, { expectedRevision: 'any' });
    process.stdout.write(`ack ${batch}\n`);
  }
}

void Promise.all(Array.from({ length: IN_FLIGHT }, writer)).catch((error: unknown) => {
  process.stderr.write(`crash writer failed: ${String(error)}\n`);
  process.exit(2);
});
