import type { EventStore, RecordedEvent } from '@kopfed/eventstore';

const PAGE = 100_000;
/** A stream longer than this is a design error here (ledgers are per coop). */
const MAX_EVENTS = 50_000_000;

/** Every event of a stream, read in pages so no single read hits the store's bound. */
export async function readWholeStream(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let from = 0; from < MAX_EVENTS; from += PAGE) {
    const page = await store.readStream(stream, { fromRevision: from, maxCount: PAGE });
    events.push(...page);
    if (page.length < PAGE) break;
  }
  return events;
}
