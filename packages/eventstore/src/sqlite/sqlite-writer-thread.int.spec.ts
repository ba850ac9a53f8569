import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SqliteWriterThread } from './sqlite-writer-thread';

describe('SqliteWriterThread', () => {
  let dir: string;
  let file: string;
  let reader: Database.Database;
  let thread: SqliteWriterThread | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-writer-'));
    file = join(dir, 'read-models.db');
    reader = new Database(file);
    reader.pragma('journal_mode = WAL');
    reader.exec(
      'CREATE TABLE totals (name TEXT PRIMARY KEY, amount INTEGER NOT NULL CHECK (amount >= 0)) WITHOUT ROWID',
    );
  });

  afterEach(async () => {
    await thread?.close();
    thread = undefined;
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () =>
    reader.prepare('SELECT name, amount FROM totals ORDER BY name').safeIntegers(true).all();
  const put = (name: string, amount: unknown) => ({
    sql: 'INSERT INTO totals (name, amount) VALUES (@name, @amount) ON CONFLICT (name) DO UPDATE SET amount = excluded.amount',
    params: { name, amount },
  });

  it('commits a batch that a reader on the main thread then sees, bigints exact', async () => {
    thread = await SqliteWriterThread.open(file);
    await thread.commit([
      put('a', 9_007_199_254_740_993n),
      { sql: 'INSERT INTO totals (name, amount) VALUES (?, ?)', params: ['b', 2] },
    ]);
    expect(rows()).toEqual([
      { name: 'a', amount: 9_007_199_254_740_993n },
      { name: 'b', amount: 2n },
    ]);
  });

  it('applies batches in the order they were sent', async () => {
    thread = await SqliteWriterThread.open(file);
    await Promise.all(Array.from({ length: 50 }, (_, i) => thread!.commit([put('a', i)])));
    expect(rows()).toEqual([{ name: 'a', amount: 49n }]);
  });

  it('commits a batch whole or not at all', async () => {
    thread = await SqliteWriterThread.open(file);
    await thread.commit([put('a', 1)]);
    await expect(thread.commit([put('a', 2), put('b', -1)])).rejects.toThrow(/CHECK constraint/);
    expect(rows()).toEqual([{ name: 'a', amount: 1n }]);
    await thread.commit([put('b', 3)]);
    expect(rows()).toEqual([
      { name: 'a', amount: 1n },
      { name: 'b', amount: 3n },
    ]);
  });

  it('fails the batches of a thread that stopped, and starts a new one for the next', async () => {
    thread = await SqliteWriterThread.open(file);
    const worker = (thread as unknown as { worker: Worker }).worker;
    const lost = thread.commit([put('a', 1)]);
    await worker.terminate();
    // The batch may have committed before the thread stopped; either way the caller is told.
    await lost.then(
      () => expect(rows()).toEqual([{ name: 'a', amount: 1n }]),
      (error: Error) => expect(error.message).toMatch(/writer thread stopped/),
    );
    await thread.commit([put('b', 2)]);
    expect(rows()).toContainEqual({ name: 'b', amount: 2n });
  });

  it('refuses to open a file that does not exist, and to write once closed', async () => {
    await expect(SqliteWriterThread.open(join(dir, 'missing.db'))).rejects.toThrow();
    thread = await SqliteWriterThread.open(file);
    await thread.close();
    await expect(thread.commit([put('a', 1)])).rejects.toThrow(/closed/);
    expect(rows()).toEqual([]);
  });
});
