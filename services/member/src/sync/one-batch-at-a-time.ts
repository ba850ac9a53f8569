import { v7 as uuidv7 } from 'uuid';
import { conflict } from '@kopfed/domain';
import type { EventStore } from '@kopfed/eventstore';

/**
 * A coop's member batches are applied one at a time, by whichever instance of the service
 * they reach. Two at once (an agent retrying on a timeout while its first sending still runs,
 * two agents) would both apply one sequence and record the wrong sending's answers, let an
 * earlier batch undo what a later one confirmed while keeping the numbers it claimed, and
 * race each other to record their sequences. A batch holds its coop's lease (the store's, so
 * every instance sees it) from reading the received sequences to recording its own; it renews
 * the lease while it runs, and the lease of an instance that died lapses.
 */
export const BATCH_LEASE_TTL_MS = 30_000;

/** Long enough for a dead holder's lease to lapse; past it the coop is told to send again. */
const MAX_WAIT_MS = 2 * BATCH_LEASE_TTL_MS;
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 250;

export const batchLeaseName = (coopId: string) => `member-batches:${coopId}`;

export async function oneBatchAtATime<T>(
  store: EventStore,
  coopId: string,
  work: () => Promise<T>,
): Promise<T> {
  const name = batchLeaseName(coopId);
  const owner = uuidv7();
  await waitForLease(store, name, owner);
  let renewal: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    renewal ??= store.leases
      .acquire(name, owner, BATCH_LEASE_TTL_MS)
      .catch(() => false)
      .finally(() => (renewal = undefined));
  }, BATCH_LEASE_TTL_MS / 3);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    // A renewal landing after the release would hold the coop's batches off for a whole TTL.
    await renewal;
    await store.leases.release(name, owner).catch(() => undefined);
  }
}

async function waitForLease(store: EventStore, name: string, owner: string): Promise<void> {
  const deadline = Date.now() + MAX_WAIT_MS;
  for (let pollMs = FIRST_POLL_MS; ; pollMs = Math.min(2 * pollMs, MAX_POLL_MS)) {
    if (await store.leases.acquire(name, owner, BATCH_LEASE_TTL_MS)) return;
    if (Date.now() + pollMs > deadline)
      throw conflict(
        'member_batch_in_progress',
        'another member batch of this coop is still being applied; send this one again shortly',
      );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
