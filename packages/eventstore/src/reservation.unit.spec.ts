import { release, reservationHolder, reserve } from './reservation';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

describe('reserve', () => {
  it('grants a value to its first owner, and again to that owner only', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    expect(await reserve(store, 'nik-coop-1-abc', 'person-1')).toEqual({
      reserved: true,
      fresh: true,
    });
    expect(await reserve(store, 'nik-coop-1-abc', 'person-1')).toEqual({
      reserved: true,
      fresh: false,
    });
    expect(await reserve(store, 'nik-coop-1-abc', 'person-2')).toEqual({
      reserved: false,
      heldBy: 'person-1',
    });
    expect(await reservationHolder(store, 'nik-coop-1-abc')).toBe('person-1');
    expect(await store.readStream('reservation-nik-coop-1-abc')).toHaveLength(1);
    await store.close();
  });

  it('lets exactly one of many concurrent claimants win', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => reserve(store, 'number-x', `m-${i}`)),
    );
    expect(outcomes.filter((o) => o.reserved)).toHaveLength(1);
    await store.close();
  });

  it('frees a value its holder releases, for the next claimant; no one else can release it', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await reserve(store, 'number-7', 'm-1');
    expect(await release(store, 'number-7', 'm-2')).toBe(false);
    expect(await reservationHolder(store, 'number-7')).toBe('m-1');
    expect(await release(store, 'number-7', 'm-1')).toBe(true);
    expect(await release(store, 'number-7', 'm-1')).toBe(false);
    expect(await reservationHolder(store, 'number-7')).toBeUndefined();
    expect(await reserve(store, 'number-7', 'm-2')).toEqual({ reserved: true, fresh: true });
    expect(await reserve(store, 'number-7', 'm-1')).toEqual({ reserved: false, heldBy: 'm-2' });
    expect((await store.readStream('reservation-number-7')).map((e) => e.type)).toEqual([
      'Reserved',
      'Released',
      'Reserved',
    ]);
    await store.close();
  });

  it('lets exactly one of many concurrent claimants take a released value', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await reserve(store, 'number-9', 'first');
    await release(store, 'number-9', 'first');
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => reserve(store, 'number-9', `m-${i}`)),
    );
    const winners = outcomes.filter((o) => o.reserved);
    expect(winners).toHaveLength(1);
    const holder = await reservationHolder(store, 'number-9');
    expect(outcomes.filter((o) => !o.reserved)).toEqual(
      Array(9).fill({ reserved: false, heldBy: holder }),
    );
    await store.close();
  });
});
