import { reservationHolder, reserve } from './reservation';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

describe('reserve', () => {
  it('grants a value to its first owner for ever, and again to that owner only', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    expect(await reserve(store, 'nik-coop-1-abc', 'person-1')).toEqual({ reserved: true });
    expect(await reserve(store, 'nik-coop-1-abc', 'person-1')).toEqual({ reserved: true });
    expect(await reserve(store, 'nik-coop-1-abc', 'person-2')).toEqual({ reserved: false, heldBy: 'person-1' });
    expect(await reservationHolder(store, 'nik-coop-1-abc')).toBe('person-1');
    expect(await store.readStream('reservation-nik-coop-1-abc')).toHaveLength(1);
    await store.close();
  });

  it('lets exactly one of many concurrent claimants win', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => reserve(store, 'number-x', `m-${i}`)));
    expect(outcomes.filter((o) => o.reserved)).toHaveLength(1);
    await store.close();
  });
});
