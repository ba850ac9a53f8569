import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from '@kopfed/eventstore';
import { claimed, describeKeyRecordsConformance, recorded } from './key-records-conformance';
import { eventStreamRecords, UNUSED_KEY } from './key-records';
import { sqliteKeyRecords } from './sqlite-key-records';

const dirs: string[] = [];
const freshFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-keys-'));
  dirs.push(dir);
  return join(dir, 'service.db');
};
/** A key's stream as IdempotencyGuard names it: the SHA-256 of scope and key, in hex. */
const keyStream = (key: string) =>
  `idempotency-${createHash('sha256').update(`coop-a\n${key}`).digest('hex')}`;
/** Spies on `method` of every statement of the store's connection: they share one prototype. */
const spyOnStatements = (store: SqliteEventStore, method: 'get' | 'all') =>
  jest.spyOn(
    Object.getPrototypeOf(store.database.prepare('SELECT 1')) as Record<
      'get' | 'all',
      (...args: unknown[]) => unknown
    >,
    method,
  );
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describeKeyRecordsConformance({
  name: 'events in the store',
  async open() {
    const store = SqliteEventStore.open({ file: freshFile() });
    return { records: eventStreamRecords(store), close: () => store.close() };
  },
});

describeKeyRecordsConformance({
  name: 'a table of the SQLite store',
  async open() {
    const store = SqliteEventStore.open({ file: freshFile() });
    return { records: sqliteKeyRecords(store), close: () => store.close() };
  },
});

describe('idempotency key records in a table of the SQLite store', () => {
  let file: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    file = freshFile();
    store = SqliteEventStore.open({ file });
  });
  afterEach(() => store.close());

  it('writes rows, never events, and keeps them through a restart', async () => {
    const records = sqliteKeyRecords(store);
    const both = await records.append('idempotency-a', UNUSED_KEY, [claimed(), recorded]);
    expect(await store.headPosition()).toBe(0);
    await store.close();
    store = SqliteEventStore.open({ file });
    expect(await sqliteKeyRecords(store).load('idempotency-a')).toEqual(both);
  });

  it('honours a key an earlier version kept as events, and goes on from its revision', async () => {
    await store.append(
      'idempotency-old',
      [claimed(), recorded].map((e) => ({ id: uuidv7(), schemaVersion: 1, ...e })),
      { expectedRevision: 'no_stream' },
    );
    const records = sqliteKeyRecords(store);
    const old = await records.load('idempotency-old');
    expect(old).toEqual(await eventStreamRecords(store).load('idempotency-old'));
    expect([old.revision, old.state.status]).toEqual([1, 'recorded']);
    const released = await records.append('idempotency-old', old, [
      { type: 'IdempotencyKeyReleased', data: { releasedAt: '2026-04-01T00:00:00.000Z' } },
    ]);
    expect(released).toEqual({ state: { status: 'free' }, revision: 2 });
    expect(await records.load('idempotency-old')).toEqual(released);
    // The stream is left as it was; a record after a stale version is refused.
    expect((await store.readStream('idempotency-old')).length).toBe(2);
    await expect(records.append('idempotency-old', old, [claimed()])).rejects.toThrow(
      /expected revision 1, actual 2/,
    );
  });

  it('answers a key it has never seen without reading the file', async () => {
    const records = sqliteKeyRecords(store);
    const recordedKey = keyStream('recorded');
    const version = await records.append(recordedKey, UNUSED_KEY, [claimed(), recorded]);
    const reads = spyOnStatements(store, 'get');
    try {
      expect(await records.load(keyStream('new'))).toEqual(UNUSED_KEY);
      expect(reads).not.toHaveBeenCalled();
      expect(await records.load(recordedKey)).toEqual(version);
      expect(reads).toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('knows the keys another guard over the same store records, and those in the file at start', async () => {
    const [first, second] = [sqliteKeyRecords(store), sqliteKeyRecords(store)];
    const key = keyStream('shared');
    const version = await first.append(key, UNUSED_KEY, [claimed()]);
    expect(await second.load(key)).toEqual(version);
    await store.close();
    store = SqliteEventStore.open({ file });
    expect(await sqliteKeyRecords(store).load(key)).toEqual(version);
  });

  it('reads a large table a page at a time, reading the file for every key until done', async () => {
    sqliteKeyRecords(store);
    const insert = store.database.prepare(
      'INSERT INTO idempotency_keys (stream, revision, state) VALUES (?, 1, ?)',
    );
    const held = Array.from({ length: 5_000 }, (_, n) => keyStream(`held-${n}`));
    store.database.transaction(() => {
      for (const stream of held) insert.run(stream, JSON.stringify({ status: 'free' }));
    })();
    await store.close();
    store = SqliteEventStore.open({ file });
    const records = sqliteKeyRecords(store);
    const reads = spyOnStatements(store, 'get');
    try {
      // The first look-up starts the reading; more pages wait for the next turns.
      expect(await records.load(keyStream('new-1'))).toEqual(UNUSED_KEY);
      expect(reads).toHaveBeenCalledTimes(1);
      const during = await records.append(keyStream('recorded-meanwhile'), UNUSED_KEY, [claimed()]);
      for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
      reads.mockClear();
      expect(await records.load(keyStream('new-2'))).toEqual(UNUSED_KEY);
      expect(reads).not.toHaveBeenCalled();
      // Every key held is still found, the last page's and the one recorded meanwhile too.
      for (const stream of [held[0]!, held[2_500]!, held.at(-1)!])
        expect(await records.load(stream)).toEqual({ state: { status: 'free' }, revision: 1 });
      expect(await records.load(keyStream('recorded-meanwhile'))).toEqual(during);
    } finally {
      reads.mockRestore();
    }
  });

  it('reads the keys held again later when a page cannot be read, and the file meanwhile', async () => {
    const records = sqliteKeyRecords(store);
    const pages = spyOnStatements(store, 'all').mockImplementationOnce(() => {
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    });
    const reads = spyOnStatements(store, 'get');
    try {
      expect(await records.load(keyStream('new-1'))).toEqual(UNUSED_KEY);
      expect(reads).toHaveBeenCalledTimes(1);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      reads.mockClear();
      expect(await records.load(keyStream('new-2'))).toEqual(UNUSED_KEY);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      pages.mockRestore();
      reads.mockRestore();
    }
  });

  it('still fails a look-up once the store is closed', async () => {
    const records = sqliteKeyRecords(store);
    expect(await records.load(keyStream('before'))).toEqual(UNUSED_KEY);
    await store.close();
    await expect(records.load(keyStream('after'))).rejects.toThrow(/not open/);
    store = SqliteEventStore.open({ file });
  });

  it('rides the store’s group commit: a failed write sinks only itself', async () => {
    const records = sqliteKeyRecords(store);
    const [taken, lost, appended] = await Promise.allSettled([
      records.append('idempotency-g', UNUSED_KEY, [claimed()]),
      records.append('idempotency-g', UNUSED_KEY, [claimed()]),
      store.append(
        'thing-1',
        [{ id: uuidv7(), type: 'ThingHappened', schemaVersion: 1, data: {} }],
        {
          expectedRevision: 'no_stream',
        },
      ),
    ]);
    expect([taken.status, lost.status, appended.status]).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(await store.headPosition()).toBe(1);
  });

  it('reads an auditor’s read-only copy from the events, and makes no table there', async () => {
    await store.close();
    const readOnly = SqliteEventStore.open({ file, readonly: true });
    try {
      expect(await sqliteKeyRecords(readOnly).load('idempotency-a')).toEqual(UNUSED_KEY);
      const tables = readOnly.database
        .prepare("SELECT name FROM sqlite_master WHERE name = 'idempotency_keys'")
        .all();
      expect(tables).toEqual([]);
    } finally {
      await readOnly.close();
      store = SqliteEventStore.open({ file });
    }
  });
});
