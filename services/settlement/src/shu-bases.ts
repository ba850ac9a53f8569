import type Database from 'better-sqlite3';
import { catalog } from '@kopfed/contracts';
import { sharesStoreFile, type EventStore } from '@kopfed/eventstore';
import { integrationEventHandler } from '@kopfed/messaging';
import type { ServiceInstance } from '@kopfed/service-kit';
import { recordActivity, shuActivityConsumers, type MemberActivityBook } from '@kopfed/year-end';

type Consumption = NonNullable<ServiceInstance['consumes']>[number];

/**
 * The consumers that keep the SHU bases (issue 9), in their own groups. When the book is in
 * the store's own file, each event's rows ride the store's next group commit, as the savings
 * read models do: one fsync for a flush of appends and rows, instead of a commit and an fsync
 * of their own per savings or loan money event, each blocking the event loop (0.5 ms or more).
 */
export function shuBasesConsumers(
  book: MemberActivityBook,
  store: EventStore,
  db: Database.Database,
): Consumption[] {
  const consumers = shuActivityConsumers(book);
  if (!sharesStoreFile(store, db)) return consumers;
  const handler = integrationEventHandler(catalog, (received) =>
    store.commitWith(() => recordActivity(book, received)),
  );
  return consumers.map((consumer) => ({ ...consumer, handler }));
}
