import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteKeyStore } from '../persons/key-store';
import { PersonVault } from '../persons/person-vault';
import { WITHOUT_ROWID_MEMBERS } from '../testing/older-directory';
import { directoryLacksDataHash, directoryProjection } from './directory-projection';

const ROWS = [
  [
    'm-2',
    'coop-a',
    'A-2',
    'ext-2',
    'person',
    'p-2',
    null,
    'active',
    '2025-01-02',
    null,
    null,
    'sealed-2',
    'hash-2',
    0,
    1,
  ],
  [
    'm-1',
    'coop-a',
    'A-1',
    null,
    'coop',
    null,
    'coop-x',
    'left',
    '2024-05-01',
    '2025-03-01',
    'resigned',
    null,
    null,
    0,
    3,
  ],
  [
    'm-3',
    'coop-b',
    'B-1',
    'ext-3',
    'person',
    'p-3',
    null,
    'active',
    '2025-02-01',
    null,
    null,
    null,
    null,
    1,
    2,
  ],
];

function schemaOf(db: Database.Database) {
  return {
    table: db
      .prepare<[], string>("SELECT sql FROM sqlite_master WHERE name = 'members'")
      .pluck()
      .get(),
    indexes: db
      .prepare<[], string>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL ORDER BY name",
      )
      .pluck()
      .all(),
    tables: db
      .prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all(),
  };
}

describe('the member directory’s table', () => {
  const projection = directoryProjection(
    new PersonVault(new SqliteKeyStore(':memory:'), randomBytes(32)),
  );

  it('is a rowid table in a new file', () => {
    const db = new Database(':memory:');
    projection.setUp(db);
    expect(schemaOf(db).table).not.toMatch(/WITHOUT\s+ROWID/i);
    expect(db.prepare('SELECT rowid FROM members').all()).toEqual([]);
    // A rowid table's TEXT PRIMARY KEY would take NULL; the column says NOT NULL itself.
    expect(() =>
      db
        .prepare(
          `INSERT INTO members (member_id, coop_id, member_number, kind, status, joined_on, revision)
             VALUES (NULL, 'coop-a', 'A-1', 'person', 'active', '2025-01-01', 0)`,
        )
        .run(),
    ).toThrow(/NOT NULL constraint failed: members.member_id/);
  });

  it('keeps every row and index of a file written when it was WITHOUT ROWID', () => {
    const db = new Database(':memory:');
    db.exec(WITHOUT_ROWID_MEMBERS);
    const insert = db.prepare(`INSERT INTO members VALUES (${ROWS[0]!.map(() => '?').join(', ')})`);
    for (const row of ROWS) insert.run(...row);
    const before = db.prepare('SELECT * FROM members ORDER BY member_id').all();
    const { indexes } = schemaOf(db);

    projection.setUp(db);

    const after = schemaOf(db);
    expect(after.table).not.toMatch(/WITHOUT\s+ROWID/i);
    expect(after.indexes).toEqual(indexes);
    expect(after.tables).toEqual(['member_counts', 'members']);
    expect(db.prepare('SELECT * FROM members ORDER BY member_id').all()).toEqual(before);
    // A second start finds the new shape and changes nothing.
    projection.setUp(db);
    expect(schemaOf(db)).toEqual(after);
    expect(db.prepare('SELECT * FROM members ORDER BY member_id').all()).toEqual(before);
  });
  it('leaves a layout older still, without data hashes, to the module’s rebuild', () => {
    const db = new Database(':memory:');
    db.exec(WITHOUT_ROWID_MEMBERS);
    db.exec('ALTER TABLE members DROP COLUMN data_hash');
    const insert = db.prepare(
      `INSERT INTO members VALUES (${ROWS[0]!
        .slice(1)
        .map(() => '?')
        .join(', ')})`,
    );
    for (const row of ROWS) insert.run(...row.slice(0, 12), ...row.slice(13));
    const before = schemaOf(db);

    projection.setUp(db);

    // Still outdated, so a start that stops before the rebuild commits rebuilds it next time.
    expect({ ...schemaOf(db), tables: undefined }).toEqual({ ...before, tables: undefined });
    expect(directoryLacksDataHash(db)).toBe(true);
    expect(db.prepare('SELECT count(*) FROM members').pluck().get()).toBe(ROWS.length);
    projection.reset(db);
    projection.setUp(db);
    expect(schemaOf(db).table).not.toMatch(/WITHOUT\s+ROWID/i);
    expect(directoryLacksDataHash(db)).toBe(false);
  });
});
