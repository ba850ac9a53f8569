import { conflict } from '@kopfed/domain';

/** A write waits this long for the writes of its members queued before it, then hears 409. */
const MAX_WAIT_MS = 10_000;
const RETRY_AFTER_SECONDS = 1;

/**
 * The writes of a member that claim or give back what is unique in its coop (its NIK, number,
 * external id), and the erasure of its person, run one at a time per member. A claim lives in
 * a stream of its own, so an expected revision on the member's stream cannot order two such
 * writes: one that read the member before the other wrote gives back a claim the other now
 * relies on, or leaves held one the other gave up, and one that checked the person was not
 * erased records their data after the erasure. The service is its SQLite store's one writer
 * (module.ts), so an order kept in memory is the only one there is.
 */
export class MemberWrites {
  /** Per member, the last write queued: settled once it and every write before it are done. */
  private readonly queues = new Map<string, Promise<void>>();

  /**
   * Runs `work` once the writes queued before it on any of `memberIds` are done. A write joins
   * every member's queue at once, so writes of several members wait in one order, never in a
   * cycle. One that nobody holds up starts at once, without waiting for a turn. Not reentrant:
   * `work` must not ask again for a member it holds (it would wait for itself until refused).
   */
  async alone<T>(memberIds: readonly string[], work: () => Promise<T>): Promise<T> {
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const before: Promise<void>[] = [];
    for (const memberId of new Set(memberIds)) {
      const queued = this.queues.get(memberId);
      const last = queued ? queued.then(() => mine) : mine;
      if (queued) before.push(queued);
      this.queues.set(memberId, last);
      void last.then(() => {
        if (this.queues.get(memberId) === last) this.queues.delete(memberId);
      });
    }
    try {
      if (before.length > 0) await inTurn(Promise.all(before));
      return await work();
    } finally {
      done();
    }
  }
}

async function inTurn(turn: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waitedTooLong = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          conflict(
            'member_busy',
            'another change of this member is still being applied; send this one again shortly',
            { retryAfterSeconds: RETRY_AFTER_SECONDS },
          ),
        ),
      MAX_WAIT_MS,
    );
  });
  try {
    await Promise.race([turn, waitedTooLong]);
  } finally {
    clearTimeout(timer);
  }
}
