import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore, type RecordedEvent } from '@kopfed/eventstore';
import {
  inlineWriter,
  Projection,
  type ProjectionDefinition,
  type ReadModelBatch,
  type ReadModelWriter,
} from './projection';

/** Sums each event's n per stream; while `busy`, an event with n = 3 meets a locked database. */
function totals(state: { busy: boolean }): ProjectionDefinition {
  return {
    name: 'totals-v1',
    categories: ['tally'],
    setUp: (db: Database.Database) =>
      db.exec('CREATE TABLE IF NOT EXISTS totals (stream TEXT PRIMARY KEY, n INTEGER NOT NULL)'),
    reset: (db: Database.Database) => db.exec('DROP TABLE IF EXISTS totals'),
    applyBatch({ write }, events: readonly RecordedEvent[]) {
      for (const event of events) {
        const { n } = event.data as { n: number };
        if (state.busy && n === 3) throw new Error('database is locked');
        write(
          'INSERT INTO totals VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET n = n + excluded.n',
          [event.stream, n],
        );
      }
    },
  };
}

/**
 * Like the accounts read model, remembers in memory how far each stream was applied and skips
 * what it has seen; `discard` forgets it.
 */
function remembering(): ProjectionDefinition & { discarded: number } {
  const applied = new Map<string, number>();
  const definition = {
    ...totals({ busy: false }),
    discarded: 0,
    applyBatch({ write }: ReadModelBatch, events: readonly RecordedEvent[]) {
      for (const event of events) {
        if ((applied.get(event.stream) ?? -1) >= event.revision) continue;
        applied.set(event.stream, event.revision);
        write(
          'INSERT INTO totals VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET n = n + excluded.n',
          [event.stream, (event.data as { n: number }).n],
        );
      }
    },
    discard() {
      definition.discarded += 1;
      applied.clear();
    },
  };
  return definition;
}

describe('savings projection', () => {
  /** Stopped and closed after each case, so that a failed expectation leaves nothing running. */
  const running: { projection?: Projection; store: SqliteEventStore }[] = [];
  afterEach(async () => {
    for (const { projection, store } of running.splice(0)) {
      await projection?.stop();
      await store.close();
    }
  });
  it('tries again after a failure that passes, from its checkpoint, applying nothing twice', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const counted = (n: number) => ({
      id: uuidv7(),
      type: 'Counted',
      schemaVersion: 1,
      data: { n },
    });
    await store.append('tally-a', [counted(2), counted(3)], { expectedRevision: 'no_stream' });
    const state = { busy: true };
    const failures: unknown[] = [];
    const projection = new Projection(store, store.database, totals(state), undefined, {
      retryFirstMs: 20,
    });
    running.push({ projection, store });
    projection.start((error) => failures.push(error));
    for (let tries = 0; tries < 100 && failures.length === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const rows = () => store.database.prepare('SELECT stream, n FROM totals').all();
    // The batch failed whole: nothing applied, and a catch-up says why.
    expect(rows()).toEqual([]);
    await expect(projection.catchUp(undefined, 50)).rejects.toThrow(/database is locked/);
    state.busy = false;
    // The next try, after the pause, applies the batch and clears the failure.
    for (let tries = 0; tries < 200 && projection.position === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await projection.catchUp();
    expect(rows()).toEqual([{ stream: 'tally-a', n: 5 }]);
  });

  it('stops at once, even during a long pause after failures', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await store.append(
      'tally-a',
      [{ id: uuidv7(), type: 'Counted', schemaVersion: 1, data: { n: 3 } }],
      {
        expectedRevision: 'no_stream',
      },
    );
    const projection = new Projection(store, store.database, totals({ busy: true }), undefined, {
      retryFirstMs: 60_000,
    });
    running.push({ projection, store });
    const failed = new Promise<void>((resolve) => projection.start(() => resolve()));
    await failed;
    const started = performance.now();
    await projection.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('forgets what a batch kept in memory when its commit fails, and applies it again whole', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const counted = (n: number) => ({
      id: uuidv7(),
      type: 'Counted',
      schemaVersion: 1,
      data: { n },
    });
    await store.append('tally-a', [counted(2), counted(5)], { expectedRevision: 'no_stream' });
    const definition = remembering();
    const inline = inlineWriter(store.database);
    let failNext = true;
    const writer: ReadModelWriter = async (writes) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk I/O error');
      }
      await inline(writes);
    };
    const failures: unknown[] = [];
    const projection = new Projection(store, store.database, definition, writer, {
      retryFirstMs: 20,
    });
    running.push({ projection, store });
    projection.start((error) => failures.push(error));
    for (let tries = 0; tries < 200 && projection.position === 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await projection.catchUp();
    expect(failures).toHaveLength(1);
    expect(definition.discarded).toBe(1);
    // Without the discard, the retry would skip both events as already applied.
    expect(store.database.prepare('SELECT stream, n FROM totals').all()).toEqual([
      { stream: 'tally-a', n: 7 },
    ]);
  });
});
