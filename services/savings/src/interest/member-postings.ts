import { KeyedLock } from '../shared/keyed-lock';

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
