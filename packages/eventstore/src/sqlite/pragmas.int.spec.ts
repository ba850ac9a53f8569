import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMITTING_CACHE_KIB, SqliteEventStore } from './sqlite-event-store';

describe('the SQLite store file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-pragmas-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is opened with the brief’s durability (WAL, synchronous FULL) and a 16 MiB page cache', async () => {
    const store = new SqliteEventStore({ file: join(dir, 'service.db') });
    try {
      const db = store.database;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      // Larger caches are walked whole at the end of most commits (see COMMITTING_CACHE_KIB).
      expect(COMMITTING_CACHE_KIB).toBe(16_000);
      expect(db.pragma('cache_size', { simple: true })).toBe(-COMMITTING_CACHE_KIB);
    } finally {
      await store.close();
    }
  });
});
