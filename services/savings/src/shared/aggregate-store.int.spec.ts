import { v7 as uuidv7 } from 'uuid';
import { rejected, type DomainEvent } from '@kopfed/domain';
import { SqliteEventStore, WrongExpectedRevisionError } from '@kopfed/eventstore';
import { AggregateStore } from './aggregate-store';

type Moved = DomainEvent<'Moved', { amount: number }>;
interface Purse {
  balance: number;
}

const purses = { initialState: (): Purse => ({ balance: 0 }) };
const evolve = (state: Purse, event: Moved): Purse => ({
  balance: state.balance + event.data.amount,
});
const move =
  (amount: number) =>
  (state: Purse): Moved[] => {
    if (state.balance + amount < 0) throw rejected('insufficient-funds', 'Not enough.');
    return [{ type: 'Moved', data: { amount } }];
  };

/** Another process writing the same stream: straight to the store, unseen by this cache. */
async function elsewhere(store: SqliteEventStore, stream: string, amount: number) {
  const revision = await store.streamRevision(stream);
  await store.append(
    stream,
    [{ id: uuidv7(), type: 'Moved', schemaVersion: 1, data: { amount } }],
    { expectedRevision: revision ?? 'no_stream' },
  );
}

describe('AggregateStore', () => {
  let store: SqliteEventStore;
  let aggregates: AggregateStore<Purse, Moved>;
  let streamReads: number;

  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    aggregates = new AggregateStore<Purse, Moved>(store, { ...purses, evolve });
    streamReads = 0;
    const readStream = store.readStream.bind(store);
    store.readStream = (...args) => {
      streamReads++;
      return readStream(...args);
    };
  });
  afterEach(() => store.close());

  it('decides on the state it last wrote without reading the stream again', async () => {
    await aggregates.execute('purse-1', move(10));
    streamReads = 0;
    const result = await aggregates.execute('purse-1', move(5));
    expect(result).toMatchObject({ state: { balance: 15 }, revision: 1 });
    expect(streamReads).toBe(0);
  });

  it('a stale state (another process wrote) fails the append and is decided again on a fresh read', async () => {
    await aggregates.execute('purse-1', move(10));
    await elsewhere(store, 'purse-1', 7);
    const result = await aggregates.execute('purse-1', move(5));
    expect(result).toMatchObject({ state: { balance: 22 }, revision: 2 });
    expect((await store.readStream('purse-1')).map((e) => e.data)).toEqual([
      { amount: 10 },
      { amount: 7 },
      { amount: 5 },
    ]);
  });

  it('a refusal on a stale state is confirmed on a fresh read before it is reported', async () => {
    await aggregates.execute('purse-1', move(10));
    await elsewhere(store, 'purse-1', 90);
    const result = await aggregates.execute('purse-1', move(-60));
    expect(result).toMatchObject({ state: { balance: 40 }, revision: 2 });
    await expect(aggregates.execute('purse-1', move(-41))).rejects.toMatchObject({
      code: 'insufficient-funds',
    });
  });

  it('an If-Match revision is judged against the stream, not the stale state', async () => {
    await aggregates.execute('purse-1', move(10));
    await elsewhere(store, 'purse-1', 1);
    const result = await aggregates.execute('purse-1', move(1), { expectedRevision: 1 });
    expect(result).toMatchObject({ state: { balance: 12 }, revision: 2 });
    await expect(
      aggregates.execute('purse-1', move(1), { expectedRevision: 1 }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });
});
