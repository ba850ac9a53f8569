import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '@kopfed/eventstore';
import { Projection } from '../shared/projection';
import { accountsProjection } from './account-projection';
import { openAccountsDatabase } from './accounts-file';
import type {
  ProjectionOrder,
  ProjectionReply,
  ProjectionThreadData,
} from './accounts-projection-thread';

/**
 * The accounts projection's thread (see accounts-projection-thread.ts): it reads the events
 * through a read-only connection to the store's file, applies them, and commits the rows with
 * their checkpoint through the one connection that writes the accounts file. Orders are run
 * one at a time, in the order they came.
 */
const port = parentPort!;
const data = workerData as ProjectionThreadData;
const send = (reply: ProjectionReply) => port.postMessage(reply);

const store = SqliteEventStore.open({ file: data.storeFile, readonly: true });
const db = openAccountsDatabase(data.accountsFile);
db.pragma(`synchronous = ${data.synchronous}`);
const projection = new Projection(store, db, accountsProjection(), undefined, data.retryFirstMs);
const report = (error: unknown) =>
  send({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
const healthy = () => send({ kind: 'healthy' });

async function run(order: ProjectionOrder): Promise<void> {
  switch (order.kind) {
    case 'start':
      projection.start(report, healthy);
      return;
    case 'reset':
      await projection.reset();
      projection.start(report, healthy);
      return;
    case 'close':
      await projection.stop();
      db.close();
      await store.close();
      return;
  }
}

let queue = Promise.resolve();
port.on('message', (order: ProjectionOrder) => {
  queue = queue.then(() =>
    run(order).then(
      () => send({ kind: 'done', id: order.id }),
      (error: unknown) =>
        send({
          kind: 'refused',
          id: order.id,
          reason: error instanceof Error ? error.message : String(error),
        }),
    ),
  );
});
