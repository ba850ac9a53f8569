import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from '@kopfed/eventstore';
import { SqliteProjection, type SqliteProjectionDefinition } from './sqlite-projection';

const event = (type: string, n: number) => ({ id: uuidv7(), type, schemaVersion: 1, data: { n } });

/** Sums each Counted event's n; an event with n < 0 breaks the read model. */
const totals: SqliteProjectionDefinition = {
  name: 'totals-v1',
  types: ['Counted'],
  setUp: (db) => db.exec('CREATE TABLE IF NOT EXISTS totals (stream TEXT PRIMARY KEY, n INTEGER)'),
  reset: (db) => db.exec('DROP TABLE IF EXISTS totals'),
  apply(db, e) {
    const { n } = e.data as { n: number };
    db.prepare(
      'INSERT INTO totals VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET n = n + excluded.n',
    ).run(e.stream, n);
    if (n < 0) throw new Error('negative count');
  },
};

type RunGroup = (appends: unknown[], writes: unknown[], isolate: boolean) => unknown;

describe('SqliteProjection', () => {
  let store: SqliteEventStore;
  /** [appends, other writes] of each group commit of the store. */
  let groups: Array<[number, number]>;

  beforeEach(() => {
    store = new SqliteEventStore({ file: ':memory:' });
    groups = [];
    const internals = store as unknown as { runGroup: RunGroup };
    const runGroup = internals.runGroup.bind(store);
    internals.runGroup = (appends, writes, isolate) => {
      groups.push([appends.length, writes.length]);
      return runGroup(appends, writes, isolate);
    };
  });
  afterEach(() => store.close());

  const rows = () => store.database.prepare('SELECT stream, n FROM totals ORDER BY stream').all();

  it('applies the events of its types, each batch in the same commit as the appends queued with it', async () => {
    await store.append('tally-a', [event('Counted', 2), event('Ignored', 50)], {
      expectedRevision: 'no_stream',
    });
    groups.length = 0;
    const projection = new SqliteProjection(store, totals);
    projection.start();
    // Queued in the same turn as the projection's first batch: one transaction for both.
    await store.append('tally-b', [event('Counted', 4)], { expectedRevision: 'no_stream' });
    expect(groups[0]).toEqual([1, 1]);
    await store.append('tally-a', [event('Counted', 3)], { expectedRevision: 1 });
    await projection.catchUp();
    expect(rows()).toEqual([
      { stream: 'tally-a', n: 5 },
      { stream: 'tally-b', n: 4 },
    ]);
    expect(projection.position).toBe(4);
    await projection.stop();
  });

  it('a batch that fails is undone whole, its checkpoint stays, and the appends of its commit stand', async () => {
    await store.append('tally-a', [event('Counted', 2), event('Counted', -1)], {
      expectedRevision: 'no_stream',
    });
    groups.length = 0;
    const failures: unknown[] = [];
    const projection = new SqliteProjection(store, totals);
    projection.start((error) => failures.push(error));
    await store.append('tally-b', [event('Counted', 7)], { expectedRevision: 'no_stream' });
    expect(groups[0]).toEqual([1, 1]);
    expect(String(failures[0])).toContain('negative count');
    expect(rows()).toEqual([]);
    expect(projection.position).toBe(0);
    expect((await store.readAll({ after: 0, maxCount: 10 })).map((e) => e.stream)).toEqual([
      'tally-a',
      'tally-a',
      'tally-b',
    ]);
    await projection.stop();
  });

  it('follows on after a failure that passes, from its checkpoint, with nothing applied twice', async () => {
    await store.append('tally-a', [event('Counted', 2), event('Counted', 3)], {
      expectedRevision: 'no_stream',
    });
    let busy = true;
    const flaky: SqliteProjectionDefinition = {
      ...totals,
      name: 'flaky-totals-v1',
      apply(db, e) {
        // The second event meets a busy database until it frees up.
        if (busy && (e.data as { n: number }).n === 3) throw new Error('database is locked');
        totals.apply(db, e);
      },
    };
    const failures: unknown[] = [];
    const projection = new SqliteProjection(store, flaky, { retryFirstMs: 20 });
    projection.start((error) => failures.push(error));
    for (let tries = 0; tries < 100 && failures.length === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(rows()).toEqual([]);
    await expect(projection.catchUp(undefined, 50)).rejects.toThrow(/database is locked/);
    busy = false;
    for (let tries = 0; tries < 100 && projection.position < 2; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await projection.catchUp();
    expect(rows()).toEqual([{ stream: 'tally-a', n: 5 }]);
    await projection.stop();
  });

  it('rebuilds from the whole log, also while a batch waits for its commit', async () => {
    await store.append('tally-a', [event('Counted', 1), event('Counted', 1)], {
      expectedRevision: 'no_stream',
    });
    const projection = new SqliteProjection(store, totals);
    projection.start();
    // Its first batch is queued for the next group commit when the rebuild begins.
    await projection.rebuild();
    expect(rows()).toEqual([{ stream: 'tally-a', n: 2 }]);
    store.database.prepare('UPDATE totals SET n = 99').run();
    await projection.rebuild();
    expect(rows()).toEqual([{ stream: 'tally-a', n: 2 }]);
    await projection.stop();
  });

  it('a store closed under a batch it had read is a stop, not a failure', async () => {
    await store.append('tally-a', [event('Counted', 1)], { expectedRevision: 'no_stream' });
    const failures: unknown[] = [];
    const projection = new SqliteProjection(store, totals);
    projection.start((error) => failures.push(error));
    await store.close();
    await projection.stop();
    expect(failures).toEqual([]);
  });
});

describe('SqliteProjection run by two stores on one file', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'kopfed-projection-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('applies each event once, whichever process gets to a batch first', async () => {
    const file = join(directory, 'savings.db');
    const first = new SqliteEventStore({ file, pollIntervalMs: 10 });
    const second = new SqliteEventStore({ file, pollIntervalMs: 10 });
    for (let n = 0; n < 20; n++)
      await first.append(`tally-${n % 4}`, [event('Counted', 1)], { expectedRevision: 'any' });
    const projections = [first, second].map((store) => new SqliteProjection(store, totals));
    const failures: unknown[] = [];
    for (const projection of projections) projection.start((error) => failures.push(error));
    await Promise.all(projections.map((projection) => projection.catchUp()));
    for (let n = 0; n < 20; n++)
      await second.append(`tally-${n % 4}`, [event('Counted', 1)], { expectedRevision: 'any' });
    await Promise.all(projections.map((projection) => projection.catchUp()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const total = first.database.prepare('SELECT sum(n) AS n FROM totals').get() as { n: number };
    expect(total.n).toBe(40);
    expect(failures).toEqual([]);
    await Promise.all(projections.map((projection) => projection.stop()));
    await Promise.all([first.close(), second.close()]);
  });
});
