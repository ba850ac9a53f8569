import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
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

/**
 * How long a batch waits for its coop's lease before it is told to come again: shorter than
 * the SDK's time limit of an attempt (30 s, packages/sdk/src/retry-policy.ts), so the agent
 * hears the 409 and sends again, rather than giving the attempt up unanswered.
 */
const MAX_WAIT_MS = 20_000;
/** When a batch told to come again should: the coop's other batch is likely done by then. */
const RETRY_AFTER_SECONDS = 2;
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 250;

export const batchLeaseName = (coopId: string) => `member-batches:${coopId}`;

/** What a batch may ask of the lease it runs under. */
export interface BatchLease {
  /**
   * Throws member_batch_in_progress unless the lease has been the batch's all along, and
   * renews it: called right before each write that only the coop's one batch may make.
   */
  confirm(): Promise<void>;
}

/**
 * "Not yet": the pipeline sends it with Retry-After and keeps it from the Idempotency-Key, so
 * the same batch sent again, under the same key, is applied.
 */
function inProgress(detail: string) {
  return conflict('member_batch_in_progress', detail, { retryAfterSeconds: RETRY_AFTER_SECONDS });
}

export async function oneBatchAtATime<T>(
  store: EventStore,
  coopId: string,
  work: (lease: BatchLease) => Promise<T>,
  logger?: Pick<Logger, 'warn'>,
): Promise<T> {
  const name = batchLeaseName(coopId);
  const owner = uuidv7();
  /** Until when the lease is surely ours: its TTL from before the last acquire that held. */
  let heldUntilMs = await waitForLease(store, name, owner);
  /** Another owner had it at a renewal, or it lapsed: our writes may race another batch's. */
  let lost = false;
  /** Whether the lease is still surely ours: renewed, and never lapsed meanwhile. */
  const renew = async (): Promise<boolean> => {
    const askedAtMs = Date.now();
    // Lapsed unrenewed: another batch may have held it in between, even if it is free now.
    const lapsed = askedAtMs >= heldUntilMs;
    const held = await store.leases.acquire(name, owner, BATCH_LEASE_TTL_MS);
    if (held) heldUntilMs = Math.max(heldUntilMs, askedAtMs + BATCH_LEASE_TTL_MS);
    if (!held || lapsed) lost = true;
    return !lost;
  };
  let renewal: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    renewal ??= renew()
      .then((held) => {
        if (!held)
          logger?.warn({ coopId }, 'a member batch lost its coop’s lease (taken, or lapsed)');
      })
      .catch((error: unknown) =>
        logger?.warn({ err: error, coopId }, 'a member batch could not renew its coop’s lease'),
      )
      .finally(() => (renewal = undefined));
  }, BATCH_LEASE_TTL_MS / 3);
  timer.unref();
  const lease: BatchLease = {
    async confirm() {
      if (lost || !(await renew()))
        throw inProgress(
          'another member batch of this coop took over while this one was applied; send this one again shortly',
        );
    },
  };
  try {
    return await work(lease);
  } finally {
    clearInterval(timer);
    // A renewal landing after the release would hold the coop's batches off for a whole TTL.
    await renewal;
    await store.leases.release(name, owner).catch(() => undefined);
  }
}

/** Takes the lease, waiting for another batch of the coop; returns until when it is held. */
async function waitForLease(store: EventStore, name: string, owner: string): Promise<number> {
  const deadline = Date.now() + MAX_WAIT_MS;
  for (let pollMs = FIRST_POLL_MS; ; pollMs = Math.min(2 * pollMs, MAX_POLL_MS)) {
    const askedAtMs = Date.now();
    if (await store.leases.acquire(name, owner, BATCH_LEASE_TTL_MS))
      return askedAtMs + BATCH_LEASE_TTL_MS;
    if (Date.now() + pollMs > deadline)
      throw inProgress(
        'another member batch of this coop is still being applied; send this one again shortly',
      );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Drops the batch leases a stopped node left (killed mid-batch, or stopped while a batch ran):
 * else the coop's batches wait for them to lapse after a restart. Only at start, and only
 * because the service is its SQLite store's one writer (module.ts): no batch runs anywhere.
 * The store's lease API releases by owner alone, so the rows are deleted by name here.
 */
export function dropBatchLeases(db: Database.Database): number {
  return db.prepare(`DELETE FROM leases WHERE name GLOB 'member-batches:*'`).run().changes;
}
