/**
 * Offset bookkeeping for one partition's batch. Kafka offsets are int64, carried as decimal
 * strings; the offset a group commits is the next one to read (last handled + 1).
 */

export function nextOffset(offset: string): string {
  return (toOffset(offset) + 1n).toString();
}

function toOffset(offset: string): bigint {
  if (!/^\d{1,19}$/.test(offset)) throw new RangeError(`not a Kafka offset: ${offset}`);
  return BigInt(offset);
}

export interface CommitCadenceOptions {
  /** Commit once this many messages are handled but not committed. */
  maxUncommitted: number;
  /** Commit once this long has passed since the last commit, if anything is pending. */
  maxIntervalMs: number;
}

export const DEFAULT_COMMIT_CADENCE: CommitCadenceOptions = {
  maxUncommitted: 100,
  maxIntervalMs: 1_000,
};

/**
 * When to commit within a batch. Committing after every message would cost a round trip
 * each; committing only at the batch's end would leave up to a whole fetch (1 MB a
 * partition) to redeliver after a crash. Either way only handled offsets are committed,
 * so a crash redelivers, and the consumer's inbox drops what it already applied.
 */
export class CommitCadence {
  private lastHandled: bigint | undefined;
  private uncommitted = 0;

  constructor(
    private readonly options: CommitCadenceOptions,
    private lastCommitAtMs: number,
  ) {
    if (!Number.isInteger(options.maxUncommitted) || options.maxUncommitted < 1) {
      throw new RangeError('maxUncommitted must be a positive integer');
    }
  }

  /** Records that the message at `offset` is handled (or dead-lettered). */
  handled(offset: string): void {
    const handled = toOffset(offset);
    // One partition is handled strictly in order; anything else would commit past a gap.
    if (this.lastHandled !== undefined && handled <= this.lastHandled) {
      throw new Error(`offset ${offset} handled after ${this.lastHandled}: order broken`);
    }
    this.lastHandled = handled;
    this.uncommitted++;
  }

  due(nowMs: number): boolean {
    return (
      this.uncommitted > 0 &&
      (this.uncommitted >= this.options.maxUncommitted ||
        nowMs - this.lastCommitAtMs >= this.options.maxIntervalMs)
    );
  }

  /** The offset to commit, if any message was handled since the last commit. */
  pending(): string | undefined {
    if (this.uncommitted === 0 || this.lastHandled === undefined) return undefined;
    return (this.lastHandled + 1n).toString();
  }

  committed(offset: string, nowMs: number): void {
    if (offset === this.pending()) this.uncommitted = 0;
    this.lastCommitAtMs = nowMs;
  }
}
