/**
 * Consumer process of the relay crash test: relays the producer's store onto an in-process
 * bus and applies every event to a read model in another SQLite file, through an inbox.
 *   consumer <producer store file> <read model file>
 */
import Database from 'better-sqlite3';
import { InProcessBus } from '@kopfed/bus';
import { applyPragmas, SqliteEventStore } from '@kopfed/eventstore';
import { SqliteInbox } from '../../inbox/sqlite-inbox';
import { Relay } from '../relay';

const [producerFile, readModelFile] = process.argv.slice(2) as [string, string];

async function main(): Promise<void> {
  const readModel = new Database(readModelFile);
  applyPragmas(readModel, 5_000);
  readModel.exec(`CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL, n INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS totals (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL, sum INTEGER NOT NULL);
    INSERT OR IGNORE INTO totals (id, count, sum) VALUES (1, 0, 0);`);
  const inbox = new SqliteInbox(readModel, 'read-model');
  const insert = readModel.prepare('INSERT INTO effects (event_id, n) VALUES (?, ?)');
  const add = readModel.prepare('UPDATE totals SET count = count + 1, sum = sum + ? WHERE id = 1');

  const store = new SqliteEventStore({ file: producerFile, pollIntervalMs: 20 });
  const bus = new InProcessBus();
  await bus.subscribe({
    topic: 'items',
    group: 'read-model',
    handler: async (message) => {
      const { id, n } = JSON.parse(message.value) as { id: string; n: number };
      await inbox.apply(id, () => {
        insert.run(id, n);
        add.run(n);
      });
    },
  });
  const relay = new Relay({
    name: 'relay:items',
    store,
    bus,
    topic: 'items',
    batchSize: 100,
    leaseTtlMs: 1_500,
    retryDelayMs: 100,
    onError: (error) => process.stderr.write(`relay: ${String(error)}\n`),
    encode: (event) => ({
      key: event.stream,
      value: JSON.stringify({ id: event.id, n: (event.data as { n: number }).n }),
      headers: { 'ce-id': event.id },
    }),
  });
  relay.start();
  process.stdout.write('ready\n');
}

void main();
