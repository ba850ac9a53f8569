import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore } from './sqlite-event-store';

const event = () => ({ id: uuidv7(), type: 'Noted', schemaVersion: 1, data: {} });

describe('SqliteEventStore.commitWith: other writes ride the group commit', () => {
  let store: SqliteEventStore;
  let commits: number;

  beforeEach(() => {
    commits = 0;
    // Counts immediate transactions, the store's group commits (savepoints inside are not
    // commits). The store makes its transaction function once, when it is opened.
    const transaction = Database.prototype.transaction;
    const counting = jest.spyOn(Database.prototype, 'transaction').mockImplementation(function (
      this: Database.Database,
      fn,
    ) {
      const wrapped = transaction.call(this, fn);
      return Object.assign((...args: unknown[]) => wrapped(...args), wrapped, {
        immediate: (...args: unknown[]) => {
          commits++;
          return wrapped.immediate(...args);
        },
      }) as typeof wrapped;
    });
    store = new SqliteEventStore({ file: ':memory:' });
    counting.mockRestore();
    store.database.exec('CREATE TABLE notes (note TEXT NOT NULL)');
  });
  afterEach(() => store.close());

  const notes = () => store.database.prepare('SELECT note FROM notes').pluck().all();
  const note = (text: string) => () =>
    store.database.prepare('INSERT INTO notes (note) VALUES (?)').run(text).changes;

  it('commits appends, checkpoints and other writes that arrive together in one transaction', async () => {
    const [appended, checkpointed, noted] = await Promise.all([
      store.append('note-1', [event()], { expectedRevision: 'no_stream' }),
      store.checkpoints.compareAndSet('relay', undefined, 1),
      store.commitWith(note('first')),
    ]);
    expect(appended.position).toBe(1);
    expect(checkpointed).toBe(true);
    expect(noted).toBe(1);
    expect(commits).toBe(1);
    expect(notes()).toEqual(['first']);
    expect(await store.checkpoints.get('relay')).toBe(1);
  });

  it('a failing write is undone and fails alone', async () => {
    const failing = store.commitWith(() => {
      note('half')();
      throw new Error('read model broke');
    });
    const [appended, noted] = await Promise.all([
      store.append('note-1', [event()], { expectedRevision: 'no_stream' }),
      store.commitWith(note('kept')),
    ]);
    await expect(failing).rejects.toThrow('read model broke');
    expect(appended.position).toBe(1);
    expect(noted).toBe(1);
    expect(notes()).toEqual(['kept']);
  });

  it('writes survive a group retried append by append after a duplicate event id', async () => {
    const duplicate = event();
    await store.append('note-1', [duplicate], { expectedRevision: 'no_stream' });
    const results = await Promise.allSettled([
      store.append('note-2', [{ ...duplicate }], { expectedRevision: 'no_stream' }),
      store.append('note-3', [event()], { expectedRevision: 'no_stream' }),
      store.checkpoints.compareAndSet('relay', undefined, 2),
      store.commitWith(note('once')),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(notes()).toEqual(['once']);
    expect(await store.checkpoints.get('relay')).toBe(2);
  });

  it('a write that ends the whole transaction fails the group as one, and nothing of it stays', async () => {
    store.database.exec(`CREATE TABLE guarded (note TEXT NOT NULL);
      CREATE TRIGGER refuse BEFORE INSERT ON guarded WHEN NEW.note = 'bad'
      BEGIN SELECT RAISE(ROLLBACK, 'refused by trigger'); END;`);
    const guarded = (text: string) => () =>
      store.database.prepare('INSERT INTO guarded (note) VALUES (?)').run(text).changes;
    const results = await Promise.allSettled([
      store.append('note-1', [event()], { expectedRevision: 'no_stream' }),
      store.commitWith(guarded('bad')),
      store.commitWith(note('after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(notes()).toEqual([]);
    expect(await store.headPosition()).toBe(0);
    // The store goes on: the next group commits as usual.
    await store.append('note-1', [event()], { expectedRevision: 'no_stream' });
    expect(await store.commitWith(note('later'))).toBe(1);
    expect(notes()).toEqual(['later']);
  });

  it('compare-and-set stays exclusive within one commit', async () => {
    await store.checkpoints.compareAndSet('projection', undefined, 1);
    const outcomes = await Promise.all(
      [2, 3, 4].map((next) => store.checkpoints.compareAndSet('projection', 1, next)),
    );
    expect(outcomes).toEqual([true, false, false]);
    expect(await store.checkpoints.get('projection')).toBe(2);
  });
});
