import { exposureKey } from '../limits';

/** A debit decided but not yet durable: it counts against the payer's limits meanwhile. */
export interface InFlightDebit {
  coopId: string;
  currency: string;
  amountMinor: bigint;
}

/** An amount decided into a batch but not yet durable: it counts against the batch's total. */
export interface InFlightPost {
  batchId: string;
  amountMinor: bigint;
}

/**
 * What the engine has decided but the store has not yet made durable: debits that count
 * against the limits, and transfers on their way into a batch. A batch being closed takes no
 * new transfers and waits for those on their way.
 */
export class InFlight {
  readonly debits = new Map<string, bigint>();
  /** Per batch, the amounts on their way into it. */
  readonly posts = new Map<string, bigint>();
  readonly closing = new Set<string>();
  private readonly toBatch = new Map<string, number>();
  private readonly drained = new Map<string, (() => void)[]>();

  begin(debits: readonly InFlightDebit[], posts: readonly InFlightPost[]): () => void {
    for (const d of debits) {
      const key = exposureKey(d.coopId, d.currency);
      this.debits.set(key, (this.debits.get(key) ?? 0n) + d.amountMinor);
    }
    for (const { batchId, amountMinor } of posts) {
      this.toBatch.set(batchId, (this.toBatch.get(batchId) ?? 0) + 1);
      this.posts.set(batchId, (this.posts.get(batchId) ?? 0n) + amountMinor);
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      for (const d of debits) {
        const key = exposureKey(d.coopId, d.currency);
        const left = (this.debits.get(key) ?? 0n) - d.amountMinor;
        if (left === 0n) this.debits.delete(key);
        else this.debits.set(key, left);
      }
      for (const { batchId, amountMinor } of posts) {
        const minorLeft = (this.posts.get(batchId) ?? 0n) - amountMinor;
        if (minorLeft === 0n) this.posts.delete(batchId);
        else this.posts.set(batchId, minorLeft);
        const left = (this.toBatch.get(batchId) ?? 1) - 1;
        if (left > 0) {
          this.toBatch.set(batchId, left);
          continue;
        }
        this.toBatch.delete(batchId);
        for (const wake of this.drained.get(batchId) ?? []) wake();
        this.drained.delete(batchId);
      }
    };
  }

  /** Resolves once no transfer is on its way into `batchId`. */
  async drain(batchId: string): Promise<void> {
    if (!this.toBatch.has(batchId)) return;
    await new Promise<void>((resolve) => {
      this.drained.set(batchId, [...(this.drained.get(batchId) ?? []), resolve]);
    });
  }
}
