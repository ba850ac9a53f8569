import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { event, events, waitUntil } from '../conformance/event-store-conformance';
import { InvalidEventStoreRequestError } from '../errors';
import { openEventStore } from '../open-event-store';
import type { EventStore, RecordedEvent } from '../types';
import { SqliteEventStore } from './sqlite-event-store';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopfed-es-ro-'));
  file = join(dir, 'ledger.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store written the ordinary way: streams of two categories, several types, a checkpoint. */
async function writeStore(): Promise<void> {
  const store = new SqliteEventStore({ file });
  for (let n = 0; n < 4; n++) {
    await store.append(`account-${n}`, events(5, 'Deposited'), { expectedRevision: 'no_stream' });
    await store.append(`loan-${n}`, [event('Disbursed'), event('Repaid')], {
      expectedRevision: 'no_stream',
    });
  }
  await store.checkpoints.compareAndSet('relay', undefined, 12);
  await store.close();
}

/** What a reader gets back, through every read of the port. */
async function reads(store: EventStore) {
  return {
    head: await store.headPosition(),
    all: await store.readAll({ after: 3, maxCount: 20 }),
    types: await store.readAll({ types: ['Repaid', 'Disbursed'] }),
    categories: await store.readAll({ after: 5, categories: ['loan'], maxCount: 3 }),
    forwards: await store.readStream('account-2', { fromRevision: 1, maxCount: 3 }),
    backwards: await store.readStream('account-2', { direction: 'backwards', maxCount: 2 }),
    revision: await store.streamRevision('loan-3'),
    none: await store.streamRevision('account-99'),
    batches: await store.readBatches({ afterBatch: 2, maxCount: 4 }),
    checkpoint: await store.checkpoints.get('relay'),
    noCheckpoint: await store.checkpoints.get('projection'),
  };
}

/** What a reader must not change: the file's bytes, its mtime and its journal mode. */
function fileState(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      bytes: readFileSync(path),
      mtimeMs: statSync(path).mtimeMs,
      journalMode: db.pragma('journal_mode', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

describe('a SQLite store opened read-only', () => {
  it('answers every read as the writable store does, and leaves the file as it was', async () => {
    await writeStore();
    const writable = new SqliteEventStore({ file });
    const expected = await reads(writable);
    await writable.close();
    const before = fileState(file);
    expect(before.journalMode).toBe('wal');

    const store = openEventStore(`sqlite:${dir}`, { service: 'ledger', readonly: true });
    expect(store).toBeInstanceOf(SqliteEventStore);
    expect((store as SqliteEventStore).walCheckpointer).toBeUndefined();
    expect(await reads(store)).toEqual(expected);
    await store.close();

    expect(expected.all).toHaveLength(20);
    expect(expected.types.map((e) => e.type)).toEqual(
      Array(4).fill(['Disbursed', 'Repaid']).flat(),
    );
    expect(expected.checkpoint).toBe(12);
    expect(fileState(file)).toEqual(before);
  });

  it('refuses every write at once, writing nothing', async () => {
    await writeStore();
    const before = fileState(file);
    const store = new SqliteEventStore({ file, readonly: true });
    const head = await store.headPosition();
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['append', () => store.append('account-9', [event()], { expectedRevision: 'any' })],
      ['commitWith', () => store.commitWith(() => 1)],
      ['checkpoints.compareAndSet', () => store.checkpoints.compareAndSet('relay', 12, 13)],
      ['leases.acquire', () => store.leases.acquire('relay', 'node-a', 60_000)],
      ['leases.release', () => store.leases.release('relay', 'node-a')],
    ];
    for (const [operation, write] of writes) {
      // A thrown error or a rejected promise: either way the write fails before it runs.
      const refusal = Promise.resolve().then(write);
      await expect(refusal).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
      await expect(refusal).rejects.toMatchObject({
        field: operation,
        message: `${operation}: ${file} was opened read-only and takes no writes`,
      });
    }
    expect(await store.headPosition()).toBe(head);
    expect(await store.checkpoints.get('relay')).toBe(12);
    await store.close();
    expect(fileState(file)).toEqual(before);
  });

  it('subscribes to history and to what a writer of the same file appends meanwhile', async () => {
    await writeStore();
    const writer = new SqliteEventStore({ file });
    const reader = new SqliteEventStore({ file, readonly: true, pollIntervalMs: 20 });
    const received: RecordedEvent[] = [];
    const subscription = reader.subscribe({
      after: 26,
      handler: (e) => void received.push(e),
    });
    try {
      await writer.append('account-7', events(3, 'Later'), { expectedRevision: 'no_stream' });
      await waitUntil(() => received.length >= 5);
      expect(received.map((e) => e.position)).toEqual([27, 28, 29, 30, 31]);
      expect(received.slice(2).map((e) => e.type)).toEqual(['Later', 'Later', 'Later']);
    } finally {
      await subscription.stop();
      await reader.close();
      await writer.close();
    }
  });

  it('leaves a rollback-journal copy (an auditor’s) without any file beside it', async () => {
    await writeStore();
    const copy = join(dir, 'copy.db');
    const source = new Database(file);
    source.exec(`VACUUM INTO '${copy}'`);
    source.close();
    rmSync(file);
    const before = fileState(copy);
    expect(before.journalMode).toBe('delete');

    const store = new SqliteEventStore({ file: copy, readonly: true });
    expect(await store.headPosition()).toBe(28);
    await store.close();

    expect(readdirSync(dir)).toEqual(['copy.db']);
    expect(fileState(copy)).toEqual(before);
  });

  describe('refuses a file that is not a kopfed store, saying so', () => {
    const cases: Array<[string, (path: string) => void, RegExp]> = [
      ['a missing file', () => undefined, /ledger\.db: no such store file/],
      [
        'a file that is not SQLite',
        (path) => writeFileSync(path, 'member,amount\n'.repeat(100)),
        /ledger\.db is not a SQLite database/,
      ],
      [
        'a SQLite file of other tables',
        (path) => {
          const db = new Database(path);
          db.exec('CREATE TABLE member_keys (member TEXT, key BLOB)');
          db.close();
        },
        /ledger\.db is not a kopfed event store \(no events, batches, checkpoints table\)/,
      ],
    ];
    it.each(cases)('%s', (_, make, message) => {
      make(file);
      const listed = readdirSync(dir);
      const open = () => new SqliteEventStore({ file, readonly: true });
      expect(open).toThrow(InvalidEventStoreRequestError);
      expect(open).toThrow(message);
      expect(readdirSync(dir)).toEqual(listed);
    });

    it('an in-memory store, or a store other than a SQLite file', () => {
      const readonly = { service: 'ledger', readonly: true };
      expect(() => openEventStore('sqlite::memory:', readonly)).toThrow(
        /readonly: only a store file opens read-only/,
      );
      expect(() => openEventStore('kurrentdb://localhost:2113?tls=false', readonly)).toThrow(
        /readonly: only a SQLite file store opens read-only/,
      );
      expect(() => openEventStore(`sqlite:${join(dir, 'nowhere')}`, readonly)).toThrow(
        /nowhere\/ledger\.db: no such store file/,
      );
      expect(readdirSync(dir)).toEqual([]);
    });
  });
});
