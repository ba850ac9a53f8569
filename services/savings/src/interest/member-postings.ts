import { HttpProblem } from '@kopfed/service-kit';
import { KeyedLock } from '../shared/keyed-lock';

/** Seconds a client is told to wait when the read model the tax needs is not there yet. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Interest posted on a member's accounts outside close of business (a close, or the approval
 * that carries one out) and close of business's own postings for the member run one at a time
 * per member, in this process: PP 15/2009 judges the member's month, so each must decide on
 * what the others posted before it. Close of business also learns from `closedSince` whether a
 * close came in after it read the member, and then reads the member again.
 */
export class MemberPostings {
  private readonly lock = new KeyedLock();
  /** The sequence number of each member's latest close, for `closedSince`. */
  private readonly closes = new Map<string, number>();
  private sequence = 0;

  run<T>(coopId: string, memberId: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(key(coopId, memberId), work);
  }

  /** Records that a close of one of the member's accounts has just run (or failed trying). */
  closed(coopId: string, memberId: string): void {
    this.closes.set(key(coopId, memberId), ++this.sequence);
  }

  /** A mark of now, for `closedSince`. */
  mark(): number {
    return this.sequence;
  }

  /** Whether a close of one of the member's accounts ran after `mark`. */
  closedSince(coopId: string, memberId: string, mark: number): boolean {
    return (this.closes.get(key(coopId, memberId)) ?? 0) > mark;
  }
}

const key = (coopId: string, memberId: string) => `${coopId}\u0000${memberId}`;

/**
 * Waits for the accounts read model; a read model that failed or is too far behind makes the
 * request wait and try again (503 with Retry-After), not fail as the server's bug.
 */
export async function readModelReady(caughtUp: () => Promise<void>): Promise<void> {
  try {
    await caughtUp();
  } catch (error) {
    throw new HttpProblem(
      'unavailable',
      `The accounts read model is not up to date (${error instanceof Error ? error.message : String(error)}); try again shortly.`,
      { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
    );
  }
}
