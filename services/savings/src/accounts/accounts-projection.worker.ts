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

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const report = (error: unknown) => send({ kind: 'failed', reason: messageOf(error) });
const healthy = () => send({ kind: 'healthy' });

/** The thread's connections and its projection. */
function open() {
  const store = SqliteEventStore.open({ file: data.storeFile, readonly: true });
  try {
    const db = openAccountsDatabase(data.accountsFile);
    try {
      db.pragma(`synchronous = ${data.synchronous}`);
      // The event loop's connection made the tables before it started this thread.
      const projection = new Projection(store, db, accountsProjection(), undefined, {
        retryFirstMs: data.retryFirstMs,
        tablesMade: true,
      });
      return { store, db, projection };
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    void store.close();
    // Said with its message: an error that ends a thread reaches the event loop without one.
    report(error);
    throw error;
  }
}
const { store, db, projection } = open();

async function run(order: ProjectionOrder): Promise<void> {
  switch (order.kind) {
    case 'start':
      projection.start(report, healthy);
      return;
    case 'reset':
      try {
        await projection.reset();
      } finally {
        // Reset or not (its transaction is whole or nothing), the projection runs on.
        projection.start(report, healthy);
      }
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
      (error: unknown) => send({ kind: 'refused', id: order.id, reason: messageOf(error) }),
    ),
  );
});
