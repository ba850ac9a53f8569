import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@kopfed/eventstore';
import { buildSampleStores } from '../testing/sample-stores';
import { ReadOnlySqliteStore, sqliteDatabaseOf } from './read-only-store';

const event = () => ({ id: randomUUID(), type: 'Noted', schemaVersion: 1, data: {} });

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
      const head = await store.headPosition();
      await expect(
        store.append('account-2', [event()], { expectedRevision: 'any' }),
      ).rejects.toThrow(/append: .*ledger\.db was opened read-only/);
      await expect(store.checkpoints.compareAndSet('relay', undefined, 1)).rejects.toThrow(
        /read-only/,
      );
      await expect(store.leases.acquire('relay', 'node-a', 1_000)).rejects.toThrow(/read-only/);
      await expect(store.readAll({ maxCount: 0 })).rejects.toThrow(/maxCount/);
      expect(await store.headPosition()).toBe(head);
      expect(store.database.readonly).toBe(true);
      expect(sqliteDatabaseOf(store)).toBe(store.database);
    } finally {
      await store.close();
    }
    await expect(store.headPosition()).rejects.toThrow(/closed/);
  });

  it('leaves a copy handed to an auditor as it was: bytes, mtime, journal mode, no file beside it', async () => {
    const copyDir = mkdtempSync(join(tmpdir(), 'kopfed-audit-ro-'));
    try {
      const copy = join(copyDir, 'ledger.db');
      const source = new Database(file, { readonly: true });
      source.exec(`VACUUM INTO '${copy}'`);
      source.close();
      const state = () => ({ bytes: readFileSync(copy), mtimeMs: statSync(copy).mtimeMs });
      const before = state();
      const store = new ReadOnlySqliteStore(copy);
      expect(await store.readAll({ maxCount: 1_000 })).toHaveLength(await store.headPosition());
      expect(store.database.pragma('journal_mode', { simple: true })).toBe('delete');
      await store.close();
      expect(state()).toEqual(before);
      expect(readdirSync(copyDir)).toEqual(['ledger.db']);
    } finally {
      rmSync(copyDir, { recursive: true, force: true });
    }
  });
});
