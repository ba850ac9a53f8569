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

describe('SqliteProjection', () => {
  let store: SqliteEventStore;
  beforeEach(() => (store = new SqliteEventStore({ file: ':memory:' })));
  afterEach(() => store.close());

  const rows = () => store.database.prepare('SELECT stream, n FROM totals ORDER BY stream').all();

  it('applies the events of its types and commits each batch in the store’s group commit', async () => {
    const commitWith = jest.spyOn(store, 'commitWith');
    await store.append('tally-a', [event('Counted', 2), event('Ignored', 50)], {
      expectedRevision: 'no_stream',
    });
    const projection = new SqliteProjection(store, totals);
    projection.start();
    await store.append('tally-a', [event('Counted', 3)], { expectedRevision: 1 });
    await store.append('tally-b', [event('Counted', 4)], { expectedRevision: 'no_stream' });
    await projection.catchUp();
    expect(rows()).toEqual([
      { stream: 'tally-a', n: 5 },
      { stream: 'tally-b', n: 4 },
    ]);
    expect(projection.position).toBe(4);
    expect(commitWith).toHaveBeenCalled();
    await projection.stop();
  });

  it('a batch that fails is undone whole, its checkpoint stays, and appends in the same commit stand', async () => {
    const failures: unknown[] = [];
    const projection = new SqliteProjection(store, totals);
    projection.start((error) => failures.push(error));
    await store.append('tally-a', [event('Counted', 2), event('Counted', -1)], {
      expectedRevision: 'no_stream',
    });
    await store.append('tally-b', [event('Counted', 7)], { expectedRevision: 'no_stream' });
    for (let i = 0; i < 100 && failures.length === 0; i++)
      await new Promise((r) => setTimeout(r, 5));
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

  it('rebuilds from the whole log', async () => {
    const projection = new SqliteProjection(store, totals);
    projection.start();
    await store.append('tally-a', [event('Counted', 1), event('Counted', 1)], {
      expectedRevision: 'no_stream',
    });
    await projection.catchUp();
    store.database.prepare('UPDATE totals SET n = 99').run();
    await projection.rebuild();
    expect(rows()).toEqual([{ stream: 'tally-a', n: 2 }]);
    await projection.stop();
  });
});
