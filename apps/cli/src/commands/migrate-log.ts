import type { EventStore, RecordedEvent, SealedBatch } from '@kopfed/eventstore';

/** Events and seals read per round trip. */
export const PAGE_SIZE = 1_000;
/** One store holds at most this many pages (a billion events): every loop here is bounded. */
const MAX_PAGES = 1_000_000;

/** A store's log in order, page by page, strictly after `after`. */
export async function* eventsOf(store: EventStore, after = 0): AsyncGenerator<RecordedEvent> {
  let position = after;
  for (let page = 0; page < MAX_PAGES; page++) {
    const events = await store.readAll({ after: position, maxCount: PAGE_SIZE });
    yield* events;
    if (events.length < PAGE_SIZE) return;
    position = events[events.length - 1]!.position;
  }
  throw new Error(`more than ${MAX_PAGES} pages of events`);
}

/** A store's seal chain in order, page by page. */
export async function* sealsOf(store: EventStore): AsyncGenerator<SealedBatch> {
  let afterBatch = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const batches = await store.readBatches({ afterBatch, maxCount: PAGE_SIZE });
    yield* batches;
    if (batches.length < PAGE_SIZE) return;
    afterBatch = batches[batches.length - 1]!.batch;
  }
  throw new Error(`more than ${MAX_PAGES} pages of seals`);
}

/** One committed append of the log: a sealed batch with its events (all of one stream). */
export interface LoggedBatch {
  seal: SealedBatch;
  events: RecordedEvent[];
}

/**
 * The log as the appends that wrote it, strictly after position `after` (a batch that
 * `after` falls inside comes without its events up to `after`). Every event lies in exactly
 * one sealed batch and every batch holds one stream, or the log is not what the adapters
 * write and reading stops with the reason.
 */
export async function* batchesOf(store: EventStore, after = 0): AsyncGenerator<LoggedBatch> {
  const events = eventsOf(store, after);
  let next = await events.next();
  for await (const seal of sealsOf(store)) {
    if (seal.lastPosition <= after) continue;
    const batch: RecordedEvent[] = [];
    while (!next.done && next.value.position <= seal.lastPosition) {
      if (next.value.position < seal.firstPosition) {
        throw new Error(`event at position ${next.value.position} lies in no sealed batch`);
      }
      batch.push(next.value);
      next = await events.next();
    }
    if (batch.length === 0) throw new Error(`sealed batch ${seal.batch} has no events`);
    const stream = batch[0]!.stream;
    if (batch.some((e) => e.stream !== stream)) {
      throw new Error(`sealed batch ${seal.batch} spans more than one stream`);
    }
    yield { seal, events: batch };
  }
  if (!next.done) {
    throw new Error(`events from position ${next.value.position} on are not sealed yet`);
  }
}
