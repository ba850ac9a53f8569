import { createLogger } from '@kopfed/service-kit';
import type { SqliteEventStore } from '@kopfed/eventstore';
import { settlementPublication } from '../../public-events';
import { A, B, C, idr, settlementHarness, type Harness } from '../../testing/harness';
import { encodeClearing } from '../snapshot';
import { ClearingCore } from './clearing-core';

describe('the clearing engine across restarts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await settlementHarness({ snapshotEvery: 5 });
    for (const coop of [A, B, C]) await h.fund(coop, 10_000_000);
    const send = (id: string, from: string, to: string, extra: object = {}) =>
      h.post('/transfers', {
        transferId: id,
        fromCoopId: from,
        toCoopId: to,
        amount: idr(1_000),
        ...extra,
      });
    for (let i = 0; i < 12; i++) await send(`t-${i}`, [A, B, C][i % 3]!, [B, C, A][i % 3]!);
    await send('pending-1', A, C, { pending: true, timeoutSeconds: 3_600 });
    await h.post('/transfer-groups', {
      groupId: 'g-1',
      transfers: [
        { transferId: 'g-1a', fromCoopId: B, toCoopId: A, amount: idr(7) },
        { transferId: 'g-1b', fromCoopId: C, toCoopId: B, amount: idr(9), pending: true },
      ],
    });
    const batchId = (await h.get('/settlement-batches?status=open')).body.items[0]
      .batchId as string;
    await h.post(`/settlement-batches/${batchId}/close`, undefined);
    await send('t-after', A, B);
  });
  afterAll(() => h.close());

  const reopen = async (): Promise<ClearingCore> => {
    const core = new ClearingCore({
      store: h.kit.store,
      db: (h.kit.store as SqliteEventStore).database,
      logger: createLogger({ level: 'silent' }),
    });
    await core.restore();
    return core;
  };

  it('comes back identical from its snapshot and the events after it', async () => {
    h.settlement.core.snapshot();
    await h.post('/transfers', {
      transferId: 't-late',
      fromCoopId: C,
      toCoopId: A,
      amount: idr(3),
    });
    const restored = await reopen();
    expect(encodeClearing(restored.state)).toEqual(encodeClearing(h.settlement.core.state));
    expect(restored.groupOfLeg('g-1b')).toBe('g-1');
    expect(restored.takenIds(['t-0', 'pending-1', 't-late', 'g-1a', 'none'])).toEqual(
      new Set(['t-0', 'pending-1', 't-late', 'g-1a']),
    );
  });

  it('comes back identical from the whole log when the snapshot is dropped', async () => {
    const live = encodeClearing(h.settlement.core.state);
    h.settlement.core.tables.reset();
    const restored = await reopen();
    expect(encodeClearing(restored.state)).toEqual(live);
    expect(restored.groupOfLeg('g-1a')).toBe('g-1');
    expect(restored.takenIds(['t-11', 't-after', 'g-1b', 'none'])).toEqual(
      new Set(['t-11', 't-after', 'g-1b']),
    );
  });

  it('drops a snapshot from before transfer streams were indexed, and notes them all again', async () => {
    const live = encodeClearing(h.settlement.core.state);
    h.settlement.core.snapshot();
    const db = (h.kit.store as SqliteEventStore).database;
    db.exec('DROP TABLE settlement_transfer_streams');
    const restored = await reopen();
    expect(encodeClearing(restored.state)).toEqual(live);
    expect(restored.takenIds(['t-0', 't-after', 'none'])).toEqual(new Set(['t-0', 't-after']));
    restored.snapshot();
    expect(db.prepare('SELECT count(*) AS n FROM settlement_transfer_streams').get()).toEqual({
      n: 15,
    });
  });

  it('lets one engine write at a time: a second waits for the lease', async () => {
    const second = new ClearingCore({
      store: h.kit.store,
      db: (h.kit.store as SqliteEventStore).database,
      logger: createLogger({ level: 'silent' }),
      leaseTtlMs: 2_000,
    });
    await expect(second.open(300)).rejects.toThrow(/another clearing engine holds the lease/);
  });

  it('publishes every public event in its contract’s shape', async () => {
    const events = await h.kit.store.readAll({ after: 0, maxCount: 10_000 });
    const published = events
      .map((e) => settlementPublication.encode(e, undefined))
      .filter((m) => m !== undefined);
    const types = new Set(published.map((m) => (JSON.parse(m.value) as { type: string }).type));
    expect([...types].sort()).toEqual([
      'kopfed.settlement.InterCoopTransferGroupSubmitted.v1',
      'kopfed.settlement.InterCoopTransferPosted.v1',
      'kopfed.settlement.SettlementBatchClosed.v1',
    ]);
    expect(
      events
        .filter((e) => e.stream.startsWith('ledger-'))
        .every((e) => settlementPublication.encode(e, undefined) === undefined),
    ).toBe(true);
  });

  it('closes the batches of an ended window at close of business, once per date', async () => {
    h.advance(2 * 24 * 3_600_000);
    const run = await h.post(
      '/close-of-business',
      { businessDate: '2026-11-27' },
      h.kit.keys.admin,
    );
    expect(run.status).toBe(200);
    expect(run.body.closedBatches).toHaveLength(1);
    expect(
      (await h.post('/close-of-business', { businessDate: '2026-11-27' }, h.kit.keys.admin)).body,
    ).toEqual(run.body);
    expect(
      (await h.post('/close-of-business', { businessDate: '2026-11-29' }, h.kit.keys.admin)).body
        .code,
    ).toBe('business-date-not-over');
    expect((await h.post('/close-of-business', { businessDate: '2026-11-27' })).status).toBe(403);
  });
});

describe('transfer ids noted in memory', () => {
  let h: Harness;
  beforeEach(async () => {
    // Events alone would not snapshot here: only the number of noted ids can.
    h = await settlementHarness({ snapshotEvery: 1_000_000, notedIdsLimit: 5 });
    for (const coop of [A, B, C]) await h.fund(coop, 10_000_000);
  });
  afterEach(() => h.close());

  const group = (groupId: string, legs: number) =>
    h.post('/transfer-groups', {
      groupId,
      transfers: Array.from({ length: legs }, (_, i) => ({
        transferId: `${groupId}-${i}`,
        fromCoopId: [A, B, C][i % 3],
        toCoopId: [B, C, A][i % 3],
        amount: idr(10),
      })),
    });

  it('are written out by a snapshot once there are as many as the limit, however few events', async () => {
    const { core } = h.settlement;
    expect((await group('small', 3)).status).toBe(201);
    expect(core.recentLegs.size).toBe(3);
    expect(core.tables.groupOfLeg('small-0')).toBeUndefined();

    expect((await group('large', 4)).status).toBe(201);
    expect(core.recentLegs.size).toBe(0);
    expect(core.tables.groupOfLeg('small-0')).toBe('small');
    expect(core.tables.groupOfLeg('large-3')).toBe('large');
    // Still taken: a leg id cannot be used again once its group's ids left memory.
    expect(core.takenIds(['small-1', 'large-0', 'free'])).toEqual(new Set(['small-1', 'large-0']));
    const again = await h.post('/transfers', {
      transferId: 'large-2',
      fromCoopId: A,
      toCoopId: B,
      amount: idr(10),
    });
    expect(again.status).toBe(409);
  });
  it('are written out even while appends keep overlapping: new ones wait for a snapshot', async () => {
    const { core } = h.settlement;
    const store = h.kit.store;
    // Each append ends 40 ms after it is durable, as a remote store's round trip would: four
    // staggered callers then nearly always have one in flight, so the engine is seldom between
    // appends.
    const append = store.append.bind(store);
    store.append = async (...args: Parameters<typeof store.append>) => {
      const result = await append(...args);
      await new Promise((resolve) => setTimeout(resolve, 40));
      return result;
    };
    let most = 0;
    core.onApplied.push(() => {
      most = Math.max(most, core.recentLegs.size + core.recentStreams.size);
    });
    const caller = async (c: number) => {
      await new Promise((resolve) => setTimeout(resolve, c * 10));
      for (let i = 0; i < 10; i++) {
        const sent = await h.post('/transfers', {
          transferId: `overlap-${c}-${i}`,
          fromCoopId: [A, B, C, A][c],
          toCoopId: [B, C, A, C][c],
          amount: idr(10),
        });
        expect(sent.status).toBe(201);
      }
    };
    await Promise.all([0, 1, 2, 3].map(caller));
    // The limit, and what the appends in flight when it was reached added (one per caller).
    expect(most).toBeLessThanOrEqual(5 + 4);
    // The first ids went out with a snapshot long before the end; the last may still be in
    // memory. Both stay taken.
    expect(core.tables.takenIds(['overlap-0-0'])).toEqual(['overlap-0-0']);
    expect(core.takenIds(['overlap-0-0', 'overlap-3-9', 'free'])).toEqual(
      new Set(['overlap-0-0', 'overlap-3-9']),
    );
  });
});

describe('closing the clearing engine', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await settlementHarness();
    await h.settlement.instance.close?.(); // gives the lease up: the engine below takes it
  });
  afterEach(() => h.close());

  it('does not take the lease back with a renewal under way when it closes', async () => {
    const { store } = h.kit;
    let land!: () => void;
    const slowWrite = new Promise<void>((resolve) => (land = resolve));
    let slow = false;
    let entered!: () => void;
    const inRenewal = new Promise<void>((resolve) => (entered = resolve));
    // The store as a remote one behaves: a renewal's write lands after a while.
    const slowLeases = new Proxy(store, {
      get: (target, key) =>
        key === 'leases'
          ? {
              acquire: async (name: string, owner: string, ttlMs: number) => {
                if (slow) {
                  entered();
                  await slowWrite;
                }
                return target.leases.acquire(name, owner, ttlMs);
              },
              release: (name: string, owner: string) => target.leases.release(name, owner),
            }
          : (Reflect.get(target, key, target) as unknown),
    });
    const logger = createLogger({ level: 'silent' });
    const db = (store as SqliteEventStore).database;
    const closing = new ClearingCore({ store: slowLeases, db, logger, leaseTtlMs: 300 });
    await closing.open();
    slow = true;
    await inRenewal;
    const closed = closing.close();
    land();
    await closed;

    // Another engine takes the lease at once, rather than after the closed engine's TTL.
    expect(await store.leases.acquire('settlement:clearing-engine', 'next-engine', 1_000)).toBe(
      true,
    );
    await store.leases.release('settlement:clearing-engine', 'next-engine');
  });

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('stops writing when renewals stop answering, before the lease could lapse, and resumes once one does', async () => {
    const { store } = h.kit;
    let hang = false;
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // A remote store whose renewals hang (no deadline on the call) until `answer`.
    const hangingLeases = new Proxy(store, {
      get: (target, key) =>
        key === 'leases'
          ? {
              acquire: async (name: string, owner: string, ttlMs: number) => {
                if (hang) await answered;
                return target.leases.acquire(name, owner, ttlMs);
              },
              release: (name: string, owner: string) => target.leases.release(name, owner),
            }
          : (Reflect.get(target, key, target) as unknown),
    });
    const logger = createLogger({ level: 'silent' });
    const db = (store as SqliteEventStore).database;
    const core = new ClearingCore({ store: hangingLeases, db, logger, leaseTtlMs: 300 });
    await core.open();
    const writer = () => (core as unknown as { writer: boolean }).writer;
    expect(writer()).toBe(true);
    hang = true;
    await pause(300); // past the TTL: another engine may hold the lease by now
    expect(writer()).toBe(false);
    await expect(
      core.append('clearing-never', [{} as never], undefined, { correlationId: 'c' }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    hang = false;
    answer(); // the hung renewal lands (the lease was free), and the next ones answer at once
    await pause(150);
    expect(writer()).toBe(true);
    await core.close();
  });

  it('renews once at a time, and gives up again a lease a renewal slower than its wait took back', async () => {
    const { store } = h.kit;
    // Renewals every 100 ms (TTL 300): the first renewal's write lands after 600 ms, the
    // following ones at once — a remote store whose one write was slow.
    let renewals = 0;
    let slow = false;
    const slowLeases = new Proxy(store, {
      get: (target, key) =>
        key === 'leases'
          ? {
              acquire: async (name: string, owner: string, ttlMs: number) => {
                if (slow && ++renewals === 1) await pause(600);
                return target.leases.acquire(name, owner, ttlMs);
              },
              release: (name: string, owner: string) => target.leases.release(name, owner),
            }
          : (Reflect.get(target, key, target) as unknown),
    });
    const logger = createLogger({ level: 'silent' });
    const db = (store as SqliteEventStore).database;
    const core = new ClearingCore({ store: slowLeases, db, logger, leaseTtlMs: 300 });
    await core.open();
    slow = true;
    await pause(250); // renewal 1 (slow) under way; the ticks after it start none
    expect(renewals).toBe(1);
    await core.close();
    expect(await store.leases.acquire('settlement:clearing-engine', 'next-engine', 1_000)).toBe(
      true,
    );
    await store.leases.release('settlement:clearing-engine', 'next-engine');
    await pause(600); // renewal 1 lands
    // Another engine can take the lease any time after close, not only after the closed one's TTL.
    const taken = await store.leases.acquire('settlement:clearing-engine', 'other-engine', 1_000);
    expect(taken).toBe(true);
  });
});
