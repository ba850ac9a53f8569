import { v7 as uuidv7 } from 'uuid';
import { EventStoreUnavailableError, type EventStore } from '@kopfed/eventstore';
import { HttpProblem } from '@kopfed/service-kit';
import { KeyedLock } from '../shared/keyed-lock';

/**
 * What of the store the member's turn needs when other instances of the service write to it
 * too (KurrentDB): its leases, its checkpoints, its head.
 */
export type SharedStore = Pick<EventStore, 'leases' | 'checkpoints' | 'headPosition'>;

/**
 * How long a member's turn is held without renewal: renewed every third of it while the turn
 * runs; an instance that died lets it lapse.
 */
export const MEMBER_TURN_TTL_MS = 30_000;
/** A request waits this long for the member's turn, under the SDK's 30 s for an attempt. */
const REQUEST_WAIT_MS = 20_000;
/** Close of business waits out a turn a dead instance left, rather than fail the night. */
const CLOSE_OF_BUSINESS_WAIT_MS = MEMBER_TURN_TTL_MS + 5_000;
const RETRY_AFTER_SECONDS = 2;
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 250;
/**
 * A member's close checkpoint while a close runs: a close that could not record its position
 * after it ran leaves this, so every close of business reads the member again, as it must.
 */
const CLOSE_UNDER_WAY = Number.MAX_SAFE_INTEGER;

export const memberTurnLease = (coopId: string, memberId: string) =>
  `savings-member-postings:${coopId}:${memberId}`;
export const memberClosesCheckpoint = (coopId: string, memberId: string) =>
  `savings-member-closed:${coopId}:${memberId}`;

/** A close of business under way: it learns from it whether a member closed since it began. */
export interface CloseWatch {
  /** Whether a close of one of the member's accounts ran after the watch began. */
  closedSince(coopId: string, memberId: string): Promise<boolean>;
  /** The close of business is over: the closes it watched for need not be remembered. */
  stop(): void;
}

/**
 * Interest posted on a member's accounts outside close of business (a close, or the approval
 * that carries one out) and close of business's own postings for the member run one at a time
 * per member: PP 15/2009 judges the member's month, so each must decide on what the others
 * posted before it. Close of business also learns from its `CloseWatch` whether a close came in
 * after it read the member, and then reads the member again.
 *
 * One account's postings are safe across instances on their own (appended at the revision they
 * were decided on); the member's month spans accounts, so with a store other instances share
 * (`shared`) the member's turn is also a lease in that store, and a close records in a
 * checkpoint the store's head after it ran, which close of business compares with the head
 * when it began. The embedded SQLite store has one writing process: the lock here is enough.
 */
export class MemberPostings {
  private readonly lock = new KeyedLock();
  /**
   * The sequence number of the latest close of each member that closed while a close of business
   * was under way; only those can matter (a close before one began is in the read model it
   * reads), and they are forgotten once no close of business under way began before them.
   */
  private readonly closes = new Map<string, number>();
  private sequence = 0;
  /** The marks (sequence numbers when they began) of the closes of business under way. */
  private readonly watches = new Set<{ mark: number }>();

  constructor(private readonly shared?: SharedStore) {}

  /**
   * Runs `work` in the member's turn: a close of business posting the member's month. A run
   * that `stopped` (it failed elsewhere) stops waiting for another instance's turn, and answers.
   */
  run<T>(
    coopId: string,
    memberId: string,
    work: () => Promise<T>,
    stopped: () => boolean = () => false,
  ): Promise<T> {
    return this.turn(coopId, memberId, CLOSE_OF_BUSINESS_WAIT_MS, work, stopped);
  }

  /**
   * Runs a close of one of the member's accounts (or the approval that carries one out) in the
   * member's turn, and records that it ran (or failed trying) for close of business.
   */
  closing<T>(coopId: string, memberId: string, work: () => Promise<T>): Promise<T> {
    return this.turn(coopId, memberId, REQUEST_WAIT_MS, async () => {
      const shared = this.shared;
      if (shared)
        await setCheckpoint(
          shared,
          memberClosesCheckpoint(coopId, memberId),
          () => CLOSE_UNDER_WAY,
        );
      try {
        return await work();
      } finally {
        if (this.watches.size > 0) this.closes.set(key(coopId, memberId), ++this.sequence);
        // Left as under way if this fails: close of business then reads the member again.
        if (shared) {
          await setCheckpoint(shared, memberClosesCheckpoint(coopId, memberId), () =>
            shared.headPosition(),
          ).catch(() => undefined);
        }
      }
    });
  }

  /** Begins watching for closes, before close of business reads the read model. */
  async watch(): Promise<CloseWatch> {
    const watch = { mark: this.sequence };
    this.watches.add(watch);
    let head: number | undefined;
    try {
      head = this.shared && (await unavailableOnFailure(() => this.shared!.headPosition()));
    } catch (error) {
      this.watches.delete(watch);
      this.forget();
      throw error;
    }
    return {
      closedSince: async (coopId, memberId) => {
        if ((this.closes.get(key(coopId, memberId)) ?? 0) > watch.mark) return true;
        if (!this.shared || head === undefined) return false;
        const name = memberClosesCheckpoint(coopId, memberId);
        return ((await unavailableOnFailure(() => this.shared!.checkpoints.get(name))) ?? 0) > head;
      },
      stop: () => {
        this.watches.delete(watch);
        this.forget();
      },
    };
  }

  /** How many members' closes are remembered (bounded: see `closes`). */
  get remembered(): number {
    return this.closes.size;
  }

  /** Forgets the closes no close of business under way began before. */
  private forget(): void {
    if (this.watches.size === 0) return this.closes.clear();
    const earliest = Math.min(...[...this.watches].map((w) => w.mark));
    for (const [member, sequence] of this.closes)
      if (sequence <= earliest) this.closes.delete(member);
  }

  /** The member's turn: this process's lock, and with a shared store the member's lease. */
  private turn<T>(
    coopId: string,
    memberId: string,
    waitMs: number,
    work: () => Promise<T>,
    stopped: () => boolean = () => false,
  ): Promise<T> {
    const shared = this.shared;
    return this.lock.run(key(coopId, memberId), () =>
      shared ? leased(shared, memberTurnLease(coopId, memberId), waitMs, work, stopped) : work(),
    );
  }
}

const key = (coopId: string, memberId: string) => `${coopId}\u0000${memberId}`;

/**
 * Runs `work` holding the lease `name`, waiting up to `waitMs` for another instance to let it
 * go (unless the caller has `stopped` meanwhile), renewing it while `work` runs, and letting it
 * go after.
 */
async function leased<T>(
  store: SharedStore,
  name: string,
  waitMs: number,
  work: () => Promise<T>,
  stopped: () => boolean,
): Promise<T> {
  const owner = uuidv7();
  const deadline = Date.now() + waitMs;
  for (let pollMs = FIRST_POLL_MS; ; pollMs = Math.min(2 * pollMs, MAX_POLL_MS)) {
    if (await unavailableOnFailure(() => store.leases.acquire(name, owner, MEMBER_TURN_TTL_MS)))
      break;
    if (Date.now() + pollMs > deadline || stopped())
      throw unavailable('Another instance is posting interest for this member; try again shortly.');
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  let renewal: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    renewal ??= store.leases
      .acquire(name, owner, MEMBER_TURN_TTL_MS)
      .catch(() => undefined)
      .finally(() => (renewal = undefined));
  }, MEMBER_TURN_TTL_MS / 3);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    // A renewal landing after the release would hold the member's turn for a whole TTL.
    await renewal;
    await store.leases.release(name, owner).catch(() => undefined);
  }
}

/** Sets a checkpoint whatever it holds (the member's turn makes this its one writer). */
async function setCheckpoint(
  store: SharedStore,
  name: string,
  next: () => number | Promise<number>,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await unavailableOnFailure(() => store.checkpoints.get(name));
    if (
      await unavailableOnFailure(async () =>
        store.checkpoints.compareAndSet(name, current, await next()),
      )
    )
      return;
  }
  throw unavailable('The member’s postings changed while this request ran; try again shortly.');
}

/** The store (a lease, a checkpoint) failing: the client comes back, it is no bug of its own. */
async function unavailableOnFailure<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    // Already answered 503 with Retry-After, and logged as the outage it is.
    if (error instanceof HttpProblem || error instanceof EventStoreUnavailableError) throw error;
    throw unavailable(
      `The event store did not answer (${error instanceof Error ? error.message : String(error)}); try again shortly.`,
    );
  }
}

const unavailable = (detail: string) =>
  new HttpProblem('unavailable', detail, {
    headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  });
