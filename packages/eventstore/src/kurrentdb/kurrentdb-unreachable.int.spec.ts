import { createServer } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import { EventStoreUnavailableError } from '../errors';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/** A local port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('KurrentDbEventStore when no server answers', () => {
  let store: KurrentDbEventStore;

  beforeEach(async () => {
    const url = `kurrentdb://127.0.0.1:${await closedPort()}?tls=false`;
    store = KurrentDbEventStore.connect(url, { service: 'savings' });
  });
  afterEach(() => store.close());

  it('fails appends, reads, leases and checkpoints as unavailable, with the client error as the cause', async () => {
    const attempts = await Promise.allSettled([
      store.append('loan-1', [{ id: uuidv7(), type: 'LoanApplied', schemaVersion: 1, data: {} }], {
        expectedRevision: 'no_stream',
      }),
      store.readStream('loan-1'),
      store.readAll(),
      store.headPosition(),
      store.streamRevision('loan-1'),
      store.readBatches(),
      store.leases.acquire('relay', 'node-a', 60_000),
      store.leases.release('relay', 'node-a'),
      store.checkpoints.get('relay'),
      store.checkpoints.compareAndSet('relay', undefined, 1),
    ]);
    // The client's errors name their kind in `type`: 'unavailable' for UnavailableError.
    const causes = attempts.map((attempt) =>
      attempt.status === 'rejected' && attempt.reason instanceof EventStoreUnavailableError
        ? (attempt.reason.cause as { type?: unknown }).type
        : attempt,
    );
    expect(causes).toEqual(new Array(10).fill('unavailable'));
  });

  it('stops a subscription with the same error, as the SQLite store’s subscriptions do', async () => {
    let failure: unknown;
    const subscription = store.subscribe({
      after: 0,
      handler: () => undefined,
      onError: (error) => (failure = error),
    });
    await subscription.done;
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect(((failure as Error).cause as { type?: unknown }).type).toBe('unavailable');
  });
});
