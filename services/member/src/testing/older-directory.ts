import type Database from 'better-sqlite3';

/**
 * The member directory's `members` table as files written before 2026-12-02 hold it:
 * WITHOUT ROWID, with its indexes. Files from before 2026-11-29 also lack `data_hash`.
 */
export const WITHOUT_ROWID_MEMBERS = `CREATE TABLE members (
  member_id TEXT PRIMARY KEY, coop_id TEXT NOT NULL, member_number TEXT NOT NULL,
  external_id TEXT, kind TEXT NOT NULL, person_id TEXT, member_coop_id TEXT,
  status TEXT NOT NULL, joined_on TEXT NOT NULL, left_on TEXT, left_reason TEXT,
  sealed TEXT, data_hash TEXT, erased INTEGER NOT NULL DEFAULT 0, revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX members_by_coop ON members(coop_id, member_id);
CREATE INDEX members_by_number ON members(coop_id, member_number);
CREATE INDEX members_by_external_id ON members(coop_id, external_id);
CREATE INDEX members_by_person ON members(person_id);`;

/** Puts a directory's `members` table, rows and all, back into that older layout. */
export function asOlderDirectory(db: Database.Database, withDataHash: boolean): void {
  db.transaction(() => {
    db.exec('CREATE TEMP TABLE members_now AS SELECT * FROM members; DROP TABLE members');
    db.exec(WITHOUT_ROWID_MEMBERS);
    db.exec('INSERT INTO main.members SELECT * FROM members_now; DROP TABLE members_now');
    if (!withDataHash) db.exec('ALTER TABLE members DROP COLUMN data_hash');
  })();
}
