/**
 * Child process of the crash-durability case: appends numbered batches with several in
 * flight at once and prints `ack <batch>` once each append is acknowledged, until killed.
 *   crash-writer <store url> <service> <first batch> <events per batch>
 */
import { randomUUID } from 'node:crypto';
import { openEventStore } from '../open-event-store';

const [url, service, first, size] = process.argv.slice(2) as [string, string, string, string];
const store = openEventStore(url, { service });
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
