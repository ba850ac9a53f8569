import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { RecordedEvent } from '../types';
import { SqliteEventStore } from './sqlite-event-store';

const event = (type: string, n: number) => ({
  id: uuidv7(),
  type,
  schemaVersion: 1,
  data: { n, nested: { list: [n, n + 1] } },
});

/** Reads of the log that subscriptions make, served from the commits' tail, against SQLite. */
describe('SqliteEventStore: reads of the newest events come from what it just committed', () => {
  let dir: string;
  let file: string;
  const open: SqliteEventStore[] = [];
  const openStore = () => {
    const store = new SqliteEventStore({ file });
    open.push(store);
    return store;
  };
  /** A store that has committed nothing itself, so every read it makes is a SQLite query. */
  const fromSqlite = () => openStore();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-recent-'));
    file = join(dir, 'events.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fill(store: SqliteEventStore) {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.append(
          `${i % 3 === 0 ? 'account' : 'loan'}-${i}`,
          [event(i % 2 === 0 ? 'Deposited' : 'Withdrawn', i), event('Noted', i)],
          { expectedRevision: 'no_stream' },
        ),
      ),
    );
  }

  const reads = [
    { after: 0, maxCount: 1_000 },
    { after: 17, maxCount: 5 },
    { after: 59, maxCount: 10 },
    { after: 60, maxCount: 10 },
    { after: 3, maxCount: 1_000, types: ['Withdrawn'] },
    { after: 0, maxCount: 4, types: ['Deposited', 'Noted'] },
    { after: 10, maxCount: 1_000, categories: ['account'] },
    { after: 0, maxCount: 1_000, types: ['Noted'], categories: ['loan'] },
    { after: 0, maxCount: 1_000, types: [] },
  ];

  it.each(reads)('answers %j exactly as SQLite does', async (options) => {
    const store = openStore();
    await fill(store);
    const recent = await store.readAll(options);
    const stored = await fromSqlite().readAll(options);
    expect(recent).toEqual(stored);
    expect(Object.isFrozen(stored[0] ?? {})).toBe(false);
  });

  it('hands out each event frozen, since every subscription shares it', async () => {
    const store = openStore();
    await fill(store);
    const [first] = await store.readAll({ after: 0, maxCount: 1 });
    const [again] = await store.readAll({ after: 0, maxCount: 1 });
    expect(again).toBe(first);
    const data = first!.data as { nested: { list: number[] } };
    expect(() => data.nested.list.push(9)).toThrow(TypeError);
    expect(() => {
      (first as { type: string }).type = 'Changed';
    }).toThrow(TypeError);
  });

  it('still finds what another process appended after its own commits', async () => {
    const store = openStore();
    await fill(store);
    const other = openStore();
    await other.append('account-other', [event('Deposited', 99)], {
      expectedRevision: 'no_stream',
    });
    const after = await store.readAll({ after: 55, maxCount: 100 });
    expect(after.map((e) => e.position)).toEqual([56, 57, 58, 59, 60, 61]);
    expect(after[5]!.stream).toBe('account-other');
    // Its next commit follows the other writer's: the tail starts again and stays exact.
    await store.append('account-own', [event('Deposited', 100)], { expectedRevision: 'no_stream' });
    expect(await store.readAll({ after: 55, maxCount: 100 })).toEqual(
      await fromSqlite().readAll({ after: 55, maxCount: 100 }),
    );
  });

  it('reads older than the tail come from SQLite, whole and in order', async () => {
    const store = openStore();
    for (let round = 0; round < 3; round++) {
      await store.append(
        `account-${round}`,
        Array.from({ length: 2_500 }, (_, i) => event('Deposited', i)),
        { expectedRevision: 'no_stream' },
      );
    }
    const all: RecordedEvent[] = await store.readAll({ after: 0, maxCount: 10_000 });
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: 7_500 }, (_, i) => i + 1));
    expect(all).toEqual(await fromSqlite().readAll({ after: 0, maxCount: 10_000 }));
  });

  it('an append refused in its group leaves nothing in the tail', async () => {
    const store = openStore();
    await store.append('account-1', [event('Deposited', 1)], { expectedRevision: 'no_stream' });
    const results = await Promise.allSettled([
      store.append('account-1', [event('Deposited', 2)], { expectedRevision: 'no_stream' }),
      store.append('account-2', [event('Deposited', 3)], { expectedRevision: 'no_stream' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const read = await store.readAll({ after: 0, maxCount: 100 });
    expect(read.map((e) => [e.position, e.stream])).toEqual([
      [1, 'account-1'],
      [2, 'account-2'],
    ]);
    expect(read).toEqual(await fromSqlite().readAll({ after: 0, maxCount: 100 }));
  });
});
