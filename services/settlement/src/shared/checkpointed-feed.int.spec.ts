import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore, type RecordedEvent } from '@kopfed/eventstore';
import { createLogger } from '@kopfed/service-kit';
import { CheckpointedFeed } from './checkpointed-feed';

const logger = createLogger({ level: 'silent' });
const noted = () => ({ id: uuidv7(), type: 'Noted', schemaVersion: 1, data: {} });

describe('CheckpointedFeed', () => {
  let store: SqliteEventStore;
  let handled: number[];
  let feeds: CheckpointedFeed[];
  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    handled = [];
    feeds = [];
    for (let i = 0; i < 5; i++)
      await store.append(`note-${i}`, [noted()], { expectedRevision: 'no_stream' });
  });
  afterEach(async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    await store.close();
  });

  const feed = (
    db: Database.Database,
    handle = async (events: RecordedEvent[]) => void handled.push(...events.map((e) => e.position)),
  ) => {
    const made = new CheckpointedFeed({
      name: 'notes',
      store,
      db,
      filter: { types: ['Noted'] },
      handle,
      logger,
      batchSize: 2,
      retryDelayMs: 5,
    });
    feeds.push(made);
    return made;
  };

  it('moves its checkpoint in the store’s group commit when it shares the store’s file, and resumes after it', async () => {
    const commitWith = jest.spyOn(store, 'commitWith');
    const first = feed(store.database);
    first.start();
    await first.catchUp(5_000);
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    expect(first.position).toBe(5);
    // Pages of 2, 2 and 1: one checkpoint each, each in a group commit.
    expect(commitWith).toHaveBeenCalledTimes(3);
    await first.stop();

    await store.append('note-5', [noted()], { expectedRevision: 'no_stream' });
    const again = feed(store.database);
    again.start();
    await again.catchUp(5_000);
    expect(handled).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('writes its checkpoint at once when it is kept outside the store’s file', async () => {
    const own = new Database(':memory:');
    const commitWith = jest.spyOn(store, 'commitWith');
    const outside = feed(own);
    outside.start();
    await outside.catchUp(5_000);
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    expect(outside.position).toBe(5);
    expect(commitWith).not.toHaveBeenCalled();
    await outside.stop();
    own.close();
  });

  it('leaves its checkpoint where it was when a page fails, and handles that page again', async () => {
    let failures = 0;
    const flaky = feed(store.database, async (events) => {
      if (events[0]!.position === 3 && failures++ === 0) throw new Error('the ledger is busy');
      handled.push(...events.map((e) => e.position));
    });
    flaky.start();
    await flaky.catchUp(5_000);
    expect(failures).toBe(2);
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    expect(flaky.position).toBe(5);
  });
});
