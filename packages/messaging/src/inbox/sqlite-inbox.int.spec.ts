import Database from 'better-sqlite3';
import { SqliteInbox } from './sqlite-inbox';

describe('SqliteInbox', () => {
  let db: Database.Database;
  let inbox: SqliteInbox;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE effects (id TEXT, n INTEGER)');
    inbox = new SqliteInbox(db, 'test');
  });
  afterEach(() => db.close());
  const effect = (id: string, n: number) => () =>
    void db.prepare('INSERT INTO effects VALUES (?, ?)').run(id, n);
  const count = () => (db.prepare('SELECT count(*) AS c FROM effects').get() as { c: number }).c;

  it('applies a message once however often it is delivered', () => {
    expect(inbox.applyOnce('m1', effect('m1', 1))).toBe(true);
    expect(inbox.applyOnce('m1', effect('m1', 1))).toBe(false);
    expect(count()).toBe(1);
    expect(inbox.has('m1')).toBe(true);
  });

  it('records nothing when the effect fails, so the redelivery applies it', () => {
    expect(() =>
      inbox.applyOnce('m2', () => {
        effect('m2', 2)();
        throw new Error('half-way');
      }),
    ).toThrow('half-way');
    expect(count()).toBe(0);
    expect(inbox.has('m2')).toBe(false);
  });

  it('group-commits concurrent effects, isolating a failing one, and deduplicates within the group', async () => {
    const results = await Promise.allSettled([
      inbox.apply('a', effect('a', 1)),
      inbox.apply('b', () => {
        effect('b', 2)();
        throw new Error('bad');
      }),
      inbox.apply('c', effect('c', 3)),
      inbox.apply('a', effect('a', 1)),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
      true,
      'rejected',
      true,
      false,
    ]);
    expect(db.prepare('SELECT id FROM effects ORDER BY id').all()).toEqual([
      { id: 'a' },
      { id: 'c' },
    ]);
  });

  it('keeps separate records per consumer', () => {
    const other = new SqliteInbox(db, 'other');
    inbox.applyOnce('m', effect('m', 1));
    expect(other.applyOnce('m', effect('m', 1))).toBe(true);
    expect(count()).toBe(2);
  });

  it('fails the whole group, applying nothing, when an effect ends the transaction itself', async () => {
    // A full disk or an I/O error rolls back the whole transaction, not just the savepoint.
    db.exec(`CREATE TABLE guarded (id TEXT);
      CREATE TRIGGER refuse BEFORE INSERT ON guarded
      BEGIN SELECT RAISE(ROLLBACK, 'refused by trigger'); END;`);
    const results = await Promise.allSettled([
      inbox.apply('a', effect('a', 1)),
      inbox.apply('b', () => void db.prepare('INSERT INTO guarded VALUES (?)').run('b')),
      inbox.apply('c', effect('c', 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(count()).toBe(0);
    expect(['a', 'b', 'c'].filter((id) => inbox.has(id))).toEqual([]);
    // Redelivered, each message takes effect (and says so) once.
    expect(await inbox.apply('c', effect('c', 3))).toBe(true);
    expect(count()).toBe(1);
  });
});
