import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import { buildSampleStores } from '../testing/sample-stores';
import { ReadOnlySqliteStore } from './read-only-store';

let dataDir: string;
let file: string;
beforeAll(async () => {
  ({ dataDir } = await buildSampleStores(20, 5));
  file = join(dataDir, 'ledger.db');
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** What a reader gets back from a store, through every read of the port. */
async function reads(store: SqliteEventStore | ReadOnlySqliteStore) {
  return {
    head: await store.headPosition(),
    all: await store.readAll({ after: 3, maxCount: 20 }),
    forwards: await store.readStream('account-2', { fromRevision: 1, maxCount: 4 }),
    backwards: await store.readStream('account-2', { direction: 'backwards', maxCount: 3 }),
    revision: await store.streamRevision('account-4'),
    none: await store.streamRevision('account-99'),
    batches: await store.readBatches({ afterBatch: 2, maxCount: 5 }),
  };
}

describe('a store file opened read-only', () => {
  it('reads what the store reads, through every read of the port', async () => {
    const writable = new SqliteEventStore({ file });
    const expected = await reads(writable);
    await writable.close();
    const store = new ReadOnlySqliteStore(file);
    try {
      expect(await reads(store)).toEqual(expected);
      expect(expected.all).toHaveLength(20);
    } finally {
      await store.close();
    }
  });

  it('refuses every write, and a bad count as the store does', async () => {
    const store = new ReadOnlySqliteStore(file);
    try {
      await expect(store.append()).rejects.toThrow(/opened read-only, no append/);
      expect(() => store.subscribe()).toThrow(/opened read-only, no subscribe/);
      await expect(store.checkpoints.compareAndSet()).rejects.toThrow(/read-only/);
      await expect(store.leases.acquire()).rejects.toThrow(/read-only/);
      await expect(store.readAll({ maxCount: 0 })).rejects.toThrow(/maxCount/);
      expect(store.database.readonly).toBe(true);
    } finally {
      await store.close();
    }
    await expect(store.headPosition()).rejects.toThrow(/closed/);
  });
});
