import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { EventStoreUnavailableError } from '../errors';
import { SqliteEventStore } from './sqlite-event-store';

const event = () => ({ id: uuidv7(), type: 'Noted', schemaVersion: 1, data: {} });

/** The SQLite code behind an attempt that failed as unavailable; anything else as it is. */
function unavailableCause(attempt: PromiseSettledResult<unknown>): unknown {
  if (attempt.status === 'fulfilled') return attempt;
  const error: unknown = attempt.reason;
  if (!(error instanceof EventStoreUnavailableError)) return error;
  return (error.cause as { code?: unknown }).code;
}

describe('SqliteEventStore when another connection holds the lock past the busy timeout', () => {
  let dir: string;
  let store: SqliteEventStore;
  /** Another process's connection to the same file. */
  let other: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-lock-'));
    const file = join(dir, 'service.db');
    store = new SqliteEventStore({ file, busyTimeoutMs: 50 });
    other = new Database(file);
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails every append and write of the group as unavailable, writes nothing, and the retry lands once', async () => {
    other.exec('BEGIN IMMEDIATE');
    const events = [event(), event()];
    const attempts = await Promise.allSettled([
      store.append('note-1', events, { expectedRevision: 'no_stream' }),
      store.append('note-2', [event()], { expectedRevision: 'no_stream' }),
      store.checkpoints.compareAndSet('relay', undefined, 1),
    ]);
    expect(attempts.map(unavailableCause)).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY', 'SQLITE_BUSY']);

    other.exec('ROLLBACK');
    expect(await store.headPosition()).toBe(0);
    expect(await store.checkpoints.get('relay')).toBeUndefined();
    const retried = await store.append('note-1', events, { expectedRevision: 'no_stream' });
    expect(retried).toEqual({ nextExpectedRevision: 1, firstPosition: 1, position: 2 });
    const stored = await store.readStream('note-1');
    expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await store.readBatches()).toHaveLength(1);
  });

  it('answers a lease as unavailable while the lock is held, and grants it after', async () => {
    other.exec('BEGIN IMMEDIATE');
    await expect(store.leases.acquire('relay', 'node-a', 60_000)).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    other.exec('ROLLBACK');
    expect(await store.leases.acquire('relay', 'node-a', 60_000)).toBe(true);
  });

  it('fails the whole group when a write in it meets a lock timeout, leaving nothing half-written', async () => {
    const attempts = await Promise.allSettled([
      store.append('note-1', [event()], { expectedRevision: 'no_stream' }),
      store.commitWith(() => {
        throw new Database.SqliteError('database is locked', 'SQLITE_BUSY');
      }),
    ]);
    expect(attempts.map(unavailableCause)).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY']);
    expect(await store.readStream('note-1')).toEqual([]);
    expect(await store.readBatches()).toEqual([]);
  });
});
