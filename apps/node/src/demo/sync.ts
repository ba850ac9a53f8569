import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoClient } from './http';
import type { Progress } from './progress';

const MAX_BATCH_ITEMS = 1_000;
/** Rounds of resending items refused only because a fact has not reached the service yet. */
const MAX_ROUNDS = 40;

interface ItemResult {
  externalId: string;
  status: 'created' | 'updated' | 'unchanged' | 'rejected';
  id?: string;
  problem?: { code?: string; detail?: string; pointer?: string };
}
interface BatchResult {
  sequence: number;
  results: ItemResult[];
}

export interface SyncStream {
  /** The batch endpoint, e.g. /api/savings/v1/coops/{coopId}/sync/transactions. */
  path: string;
  /** Its status endpoint, whose lastSequence the next batch follows. */
  statusPath: string;
  label: string;
  /**
   * Problem codes meaning "not yet": a member joined in the member service is known to
   * savings and loan only once its event has travelled the bus, so such items are resent.
   */
  notYet: ReadonlySet<string>;
}

/** Sends a coop's items in numbered batches of up to 1,000; every item must end up applied. */
export class StreamSender {
  private sequence: number | undefined;

  constructor(
    private readonly client: DemoClient,
    private readonly stream: SyncStream,
    private readonly progress: Progress,
  ) {}

  /** Sends the items in order; answers the id kopfed gave each, by external id. */
  async send(
    items: readonly { externalId: string }[],
    progress: Progress = this.progress,
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    let pending = [...items];
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_ROUNDS)
        throw new Error(
          `${this.stream.label}: ${pending.length} items still refused after ${MAX_ROUNDS} rounds`,
        );
      if (round > 1) await sleep(Math.min(2_000, 100 * round));
      const later: { externalId: string }[] = [];
      for (let start = 0; start < pending.length; start += MAX_BATCH_ITEMS) {
        const batch = pending.slice(start, start + MAX_BATCH_ITEMS);
        const sequence = await this.nextSequence();
        const result = await this.client.write<BatchResult>(
          'POST',
          this.stream.path,
          `${this.stream.label}:${sequence}`,
          { sequence, items: batch },
          [200],
        );
        result.results.forEach((r, i) => {
          if (r.status !== 'rejected') {
            if (r.id) ids.set(r.externalId, r.id);
            progress.tick();
            return;
          }
          if (r.problem?.code && this.stream.notYet.has(r.problem.code)) {
            later.push(batch[i]!);
            return;
          }
          throw new Error(
            `${this.stream.label}: item ${r.externalId} refused: ${JSON.stringify(r.problem)}`,
          );
        });
      }
      pending = later;
    }
    return ids;
  }

  private async nextSequence(): Promise<number> {
    if (this.sequence === undefined) {
      const status = await this.client.get<{ lastSequence: number | null }>(this.stream.statusPath);
      this.sequence = status.lastSequence ?? 0;
    }
    this.sequence += 1;
    return this.sequence;
  }
}

/** Runs `work` over the items with at most `concurrency` at a time. */
export async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
