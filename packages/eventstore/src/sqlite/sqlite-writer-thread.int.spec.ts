import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { EventStoreUnavailableError } from '../errors';
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

  it('says the file did not answer when another connection held its lock past the busy timeout', async () => {
    thread = await SqliteWriterThread.open(file, { busyTimeoutMs: 50 });
    reader.exec('BEGIN IMMEDIATE');
    try {
      const refused = thread.commit([put('a', 1)]);
      await expect(refused).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(refused).rejects.toMatchObject({ cause: { code: 'SQLITE_BUSY' } });
    } finally {
      reader.exec('ROLLBACK');
    }
    expect(rows()).toEqual([]);
    // The same batch goes through once the lock is let go; a constraint is still no outage.
    await thread.commit([put('a', 1)]);
    expect(rows()).toEqual([{ name: 'a', amount: 1n }]);
    const broken = thread.commit([put('b', -1)]);
    await expect(broken).rejects.toThrow(/CHECK constraint/);
    await expect(broken).rejects.not.toBeInstanceOf(EventStoreUnavailableError);
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

  it('refuses to open a file not in WAL mode, where NORMAL is not sound through a power cut', async () => {
    const rollback = join(dir, 'rollback.db');
    new Database(rollback).close();
    await expect(SqliteWriterThread.open(rollback)).rejects.toThrow(/not in WAL mode/);
  });

  it('refuses to open a file that does not exist, and to write once closed', async () => {
    await expect(SqliteWriterThread.open(join(dir, 'missing.db'))).rejects.toThrow();
    thread = await SqliteWriterThread.open(file);
    await thread.close();
    await expect(thread.commit([put('a', 1)])).rejects.toThrow(/closed/);
    expect(rows()).toEqual([]);
  });

  it('closes after the batches sent before it, which commit', async () => {
    thread = await SqliteWriterThread.open(file);
    const sent = thread.commit(Array.from({ length: 2_000 }, (_, i) => put(`k${i}`, i)));
    const closed = thread.close();
    await expect(sent).resolves.toBeUndefined();
    await closed;
    expect(rows()).toHaveLength(2_000);
    await expect(thread.commit([put('after', 1)])).rejects.toThrow(/closed/);
  });

  it('closes a thread that has just died, and starts no other', async () => {
    thread = await SqliteWriterThread.open(file);
    const worker = (thread as unknown as { worker: Worker }).worker;
    const dying = worker.terminate();
    await thread.close();
    await dying;
    await expect(thread.commit([put('a', 1)])).rejects.toThrow(/closed/);
    expect((thread as unknown as { worker?: Worker }).worker).toBeUndefined();
    expect(rows()).toEqual([]);
  });
});

/**
 * A process of its own that writes `file` through a writer thread: batch n puts rows
 * (n, 0..perBatch-1) and the checkpoint n in one commit, and prints `ack n` once it has;
 * `until-killed` runs batches from `first` on.
 */
function writerProcess(file: string, mode: 'idle' | 'one-batch' | 'until-killed', first = 1) {
  const script = `
    const { SqliteWriterThread } = require(${JSON.stringify(join(__dirname, 'sqlite-writer-thread.ts'))});
    const perBatch = 50;
    const batch = (n) => [
      ...Array.from({ length: perBatch }, (_, i) => ({
        sql: 'INSERT INTO rows (batch, i, padding) VALUES (?, ?, ?)',
        params: [n, i, 'x'.repeat(500)],
      })),
      { sql: 'UPDATE checkpoint SET position = ?', params: [n] },
    ];
    SqliteWriterThread.open(${JSON.stringify(file)}).then(async (thread) => {
      process.stdout.write('opened\\n');
      if (${JSON.stringify(mode)} === 'idle') return;
      if (${JSON.stringify(mode)} === 'one-batch') {
        // Nothing else keeps the process alive: only the batch in flight may.
        void thread.commit(Array.from({ length: 200 }, (_, n) => batch(n + 1)).flat())
          .then(() => process.stdout.write('ack 200\\n'));
        return;
      }
      for (let n = ${first}; ; n++) {
        await thread.commit(batch(n));
        process.stdout.write('ack ' + n + '\\n');
      }
    });
  `;
  return spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

describe('SqliteWriterThread in a process of its own', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-writer-process-'));
    file = join(dir, 'read-model.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE rows (batch INTEGER NOT NULL, i INTEGER NOT NULL, padding TEXT NOT NULL,
               PRIMARY KEY (batch, i)) WITHOUT ROWID;
             CREATE TABLE checkpoint (position INTEGER NOT NULL);
             INSERT INTO checkpoint VALUES (0);`);
    db.close();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The checkpoint and what the rows say was applied, read once the writer is gone. */
  const state = () => {
    const db = new Database(file, { fileMustExist: true });
    const one = (sql: string) => db.prepare<[], number>(sql).pluck(true).get()!;
    try {
      return {
        integrity: db.pragma('integrity_check', { simple: true }),
        checkpoint: one('SELECT position FROM checkpoint'),
        rows: one('SELECT count(*) FROM rows'),
        lastBatch: one('SELECT coalesce(max(batch), 0) FROM rows'),
      };
    } finally {
      db.close();
    }
  };

  const lines = (child: ChildProcess, onLine: (line: string) => void) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      complete.forEach(onLine);
    });
  };

  it('lets its process exit while the thread it opened is idle', async () => {
    const child = writerProcess(file, 'idle');
    const said: string[] = [];
    lines(child, (line) => said.push(line));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, killed) => resolve(killed)),
    );
    clearTimeout(timer);
    expect(said).toEqual(['opened']);
    expect(signal).toBeNull();
  }, 30_000);

  it('stays alive while a batch is in flight, and exits once the thread is idle', async () => {
    const child = writerProcess(file, 'one-batch');
    const acks: string[] = [];
    lines(child, (line) => acks.push(line));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(acks).toEqual(['opened', 'ack 200']);
    expect(state()).toEqual({ integrity: 'ok', checkpoint: 200, rows: 200 * 50, lastBatch: 200 });
  }, 30_000);

  it('leaves rows and checkpoint together when killed with SIGKILL mid-writes', async () => {
    for (let cycle = 0; cycle < 3; cycle++) {
      // Each run goes on from the checkpoint the last one left, as a projection does.
      const from = state().checkpoint;
      const child = writerProcess(file, 'until-killed', from + 1);
      const killAfter = from + 5 + Math.floor(Math.random() * 40);
      let acked = 0;
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      lines(child, (line) => {
        if (line.startsWith('ack ')) acked = Number(line.slice(4));
        if (acked === killAfter) child.kill('SIGKILL');
      });
      await exited;
      const after = state();
      expect(after.integrity).toBe('ok');
      // Nothing acknowledged is lost, and no batch is there without its checkpoint or half.
      expect(after.checkpoint).toBeGreaterThanOrEqual(acked);
      expect(after.lastBatch).toBe(after.checkpoint);
      expect(after.rows).toBe(after.checkpoint * 50);
    }
  }, 60_000);
});
