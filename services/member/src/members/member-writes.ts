import { conflict, DomainError } from '@kopfed/domain';

const MEMBER_BUSY = 'member_busy';
/** A write waits this long for the writes queued before it on its turns, then hears 409. */
const MEMBER_BUSY_AFTER_MS = 10_000;
const RETRY_AFTER_SECONDS = 1;

/** A member's turn, and a person's: the names MemberWrites orders writes on. */
export const memberTurn = (memberId: string) => `member:${memberId}`;
export const personTurn = (personId: string) => `person:${personId}`;

/** The refusal of a write held up too long: "not yet", the same write sent again goes through. */
export function isMemberBusy(error: unknown): boolean {
  return error instanceof DomainError && error.code === MEMBER_BUSY;
}

/**
 * The writes of a member that claim or give back what is unique in its coop (its NIK, number,
 * external id) run one at a time per member; those that record a person's data or make a
 * membership of a person, and the erasure of that person, also one at a time per person. A
 * claim lives in a stream of its own, so an expected revision on the member's stream cannot
 * order two such writes: one that read the member before the other wrote gives back a claim
 * the other now relies on, or leaves held one the other gave up, and one that checked the
 * person was not erased records their data after the erasure. A person's NIK claim is shared
 * by all their memberships of a coop, and a person gains memberships under new member ids (a
 * move, a join naming them, a sync's rejoin), so only the person's turn orders those. The
 * service is its SQLite store's one writer (module.ts), so an order kept in memory is the only
 * one there is.
 */
export class MemberWrites {
  /** Per turn, the last write queued: settled once it and every write before it are done. */
  private readonly queues = new Map<string, Promise<void>>();

  /** `busyAfterMs`: how long a write waits behind the writes queued before it, then hears 409. */
  constructor(private readonly busyAfterMs = MEMBER_BUSY_AFTER_MS) {}

  /**
   * Runs `work` once the writes queued before it on any of `turns` (memberTurn, personTurn)
   * are done. A write joins every turn's queue at once, so writes of several members and
   * persons wait in one order, never in a cycle. One that nobody holds up starts at once,
   * without waiting for a turn. Not reentrant: `work` must not ask again for a turn it holds
   * (it would wait for itself until refused).
   */
  async alone<T>(turns: readonly string[], work: () => Promise<T>): Promise<T> {
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const before: Promise<void>[] = [];
    for (const turn of new Set(turns)) {
      const queued = this.queues.get(turn);
      const last = queued ? queued.then(() => mine) : mine;
      if (queued) before.push(queued);
      this.queues.set(turn, last);
      void last.then(() => {
        if (this.queues.get(turn) === last) this.queues.delete(turn);
      });
    }
    try {
      if (before.length > 0) await inTurn(Promise.all(before), this.busyAfterMs);
      return await work();
    } finally {
      done();
    }
  }
}

async function inTurn(turn: Promise<unknown>, busyAfterMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waitedTooLong = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          conflict(
            MEMBER_BUSY,
            'another change of this member is still being applied; send this one again shortly',
            { retryAfterSeconds: RETRY_AFTER_SECONDS },
          ),
        ),
      busyAfterMs,
    );
  });
  try {
    await Promise.race([turn, waitedTooLong]);
  } finally {
    clearTimeout(timer);
  }
}
