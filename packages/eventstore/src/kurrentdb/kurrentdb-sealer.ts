import {
  jsonEvent,
  NO_STREAM,
  WrongExpectedVersionError,
  type KurrentDBClient,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../errors';
import { computeSeal, GENESIS_SEAL } from '../seal';
import type { SealedBatch } from '../types';
import { toSealable, type LoggedEvent } from './kurrentdb-mapping';
import { readLastEvent, readStreamEvents } from './kurrentdb-reads';

const SEALED_TYPE = 'BatchSealed';
/** Seals written in one append to the seal stream. */
const MAX_SEALS_PER_WRITE = 500;
/** Seal writes lost to another writer before giving up. */
const MAX_CONFLICTS = 20;

/**
 * The seal chain on KurrentDB. An append and its seal go to two streams, and KurrentDB does
 * not commit them together, so the seal is written after the append: the store feeds the
 * sealer every event of the service in log order, and the sealer seals each whole append
 * once it has read all of it. Batch k is the event at revision k-1 of the seal stream and
 * is written with that expected revision, so two writers can never both add batch k; the
 * loser reloads the chain and drops what the winner sealed (seals are deterministic, so the
 * winner wrote what the loser would have). Events appended but not yet sealed — a crash
 * between the two writes — are sealed by whichever writer next reads past them.
 */
export class Sealer {
  private last: SealedBatch | undefined;
  private pending: LoggedEvent[] = [];

  constructor(
    private readonly client: KurrentDBClient,
    private readonly stream: string,
  ) {}

  /** Log position up to which every event is sealed. */
  get sealedThrough(): number {
    return this.last?.lastPosition ?? 0;
  }

  async load(): Promise<void> {
    const newest = await readLastEvent(this.client, this.stream);
    this.last = newest ? decodeSeal(newest) : undefined;
    this.pending = this.pending.filter((e) => e.event.position > this.sealedThrough);
  }

  /** Queues events read from the log; events already sealed or already queued are ignored. */
  enqueue(events: readonly LoggedEvent[]): void {
    for (const e of events) {
      const queuedThrough = this.pending[this.pending.length - 1]?.event.position ?? 0;
      if (e.event.position > Math.max(queuedThrough, this.sealedThrough)) this.pending.push(e);
    }
  }

  /** Seals every whole append queued so far. */
  async flush(): Promise<void> {
    let conflicts = 0;
    // Each round seals at least one queued event or counts a conflict.
    const maxRounds = this.pending.length + MAX_CONFLICTS + 1;
    for (let round = 0; round < maxRounds; round++) {
      const batches = wholeAppends(this.pending, MAX_SEALS_PER_WRITE);
      if (batches.length === 0) return;
      const sealed = chainSeals(this.last, batches);
      try {
        await this.client.appendToStream(this.stream, sealed.map(toSealEvent), {
          streamState: this.last ? BigInt(this.last.batch - 1) : NO_STREAM,
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (++conflicts > MAX_CONFLICTS)
          throw new EventStoreError(`seal chain: lost ${conflicts} races to other writers`);
        await this.load();
        continue;
      }
      this.last = sealed[sealed.length - 1];
      this.pending.splice(
        0,
        batches.reduce((count, batch) => count + batch.length, 0),
      );
    }
    throw new EventStoreError('seal chain: sealing made no progress');
  }
}

/**
 * Splits events read in log order into whole appends, at most `maxAppends` of them; an
 * append not yet read to its end is left for later. Appends are implicit transactions,
 * so their events are adjacent in the log: anything else means the log or the chain is
 * not what this adapter wrote, and sealing stops rather than seal the wrong batches.
 */
export function wholeAppends(events: readonly LoggedEvent[], maxAppends: number): LoggedEvent[][] {
  const appends: LoggedEvent[][] = [];
  let start = 0;
  while (start < events.length && appends.length < maxAppends) {
    const first = events[start]!;
    if (first.appendIndex !== 0) {
      throw new EventStoreError(
        `seal chain: the event at log position ${first.event.position} does not begin an append`,
      );
    }
    const end = start + first.appendSize;
    if (end > events.length) break;
    const append = events.slice(start, end);
    append.forEach((e, index) => {
      const adjacent =
        e.appendIndex === index &&
        e.appendSize === first.appendSize &&
        e.event.stream === first.event.stream;
      if (!adjacent)
        throw new EventStoreError(
          `seal chain: the append at log position ${first.event.position} is not whole`,
        );
    });
    appends.push(append);
    start = end;
  }
  return appends;
}

/** The seals of `appends`, continuing the chain after `last` (from genesis when undefined). */
export function chainSeals(
  last: SealedBatch | undefined,
  appends: readonly LoggedEvent[][],
): SealedBatch[] {
  let batch = last?.batch ?? 0;
  let seal = last?.seal ?? GENESIS_SEAL;
  return appends.map((append) => {
    batch += 1;
    seal = computeSeal(
      seal,
      append.map((e) => toSealable(e.event)),
    );
    return {
      batch,
      firstPosition: append[0]!.event.position,
      lastPosition: append[append.length - 1]!.event.position,
      seal,
    };
  });
}

export async function readSeals(
  client: KurrentDBClient,
  stream: string,
  afterBatch: number,
  maxCount: number,
): Promise<SealedBatch[]> {
  // Batch k is at revision k-1, so the batches after `afterBatch` start at revision afterBatch.
  const events = await readStreamEvents(client, stream, {
    direction: 'forwards',
    fromRevision: afterBatch,
    maxCount,
  });
  return events.map(decodeSeal);
}

function toSealEvent(sealed: SealedBatch) {
  return jsonEvent({ type: SEALED_TYPE, data: { ...sealed } });
}

export function decodeSeal(event: KurrentRecordedEvent): SealedBatch {
  const data = event.data as Partial<SealedBatch> | undefined;
  const valid =
    event.type === SEALED_TYPE &&
    typeof data === 'object' &&
    data !== null &&
    Number.isSafeInteger(data.batch) &&
    Number.isSafeInteger(data.firstPosition) &&
    Number.isSafeInteger(data.lastPosition) &&
    typeof data.seal === 'string' &&
    event.revision === BigInt(data.batch!) - 1n;
  if (!valid)
    throw new EventStoreError(`seal chain: event ${event.id} in ${event.streamId} is not a seal`);
  return {
    batch: data.batch!,
    firstPosition: data.firstPosition!,
    lastPosition: data.lastPosition!,
    seal: data.seal!,
  };
}
