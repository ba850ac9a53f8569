/**
 * Producer process of the relay crash test: appends events numbered 0…total−1 until the
 * store holds `total`, resuming from the store's head after being killed.
 *   producer <store file> <total>
 */
import { v5 as uuidv5 } from 'uuid';
import { SqliteEventStore } from '@kopfed/eventstore';

const NAMESPACE = '5b0c9a3e-2f7d-4c1b-8e6a-9d4f3c2b1a00';
const [file, totalText] = process.argv.slice(2) as [string, string];
const total = Number(totalText);

async function main(): Promise<void> {
  const store = new SqliteEventStore({ file });
  let next = await store.headPosition();
  process.stdout.write('ready\n');
  while (next < total) {
    const size = Math.min(total - next, 1 + Math.floor(Math.random() * 20));
    const events = Array.from({ length: size }, (_, i) => ({
      id: uuidv5(`item-${next + i}`, NAMESPACE),
      type: 'ItemCounted',
      schemaVersion: 1,
      data: { n: next + i },
    }));
    await store.append(`item-${next % 50}`, events, { expectedRevision: 'any' });
    next += size;
    // Paced, so that the consumer works while the producer is still writing.
    await new Promise((r) => setTimeout(r, 2));
  }
  await store.close();
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`producer failed: ${String(error)}\n`);
    process.exit(2);
  },
);
