import type Database from 'better-sqlite3';
import type { SqliteProjectionDefinition } from '@kopfed/messaging';
import type { PersonEvent } from '../persons/person.decider';
import type { PersonVault } from '../persons/person-vault';
import { stmt } from '../sql';
import { idOf } from '../stream-ids';
import type {
  ActiveMembership,
  MemberEvent,
  MembershipAsCoop,
  PastMembership,
} from './member.decider';

export interface MemberRow {
  member_id: string;
  coop_id: string;
  member_number: string;
  external_id: string | null;
  kind: 'person' | 'coop';
  person_id: string | null;
  member_coop_id: string | null;
  status: 'active' | 'left';
  joined_on: string;
  left_on: string | null;
  left_reason: 'resigned' | 'deceased' | 'expelled' | 'moved' | null;
  sealed: string | null;
  /** The keyed hash of the person's data (see PersonVault.dataHash); null once erased. */
  data_hash: string | null;
  erased: 0 | 1;
  revision: number;
}

/**
 * A rowid table, not WITHOUT ROWID: a row holds the sealed personal data (several hundred
 * bytes), and a table clustered on random member ids moved such rows between pages at every
 * join and every update. In rowid order a join appends (docs/performance.md, "The member
 * directory in rowid order").
 */
const MEMBERS_TABLE = `CREATE TABLE IF NOT EXISTS members (
  member_id TEXT NOT NULL PRIMARY KEY,
  coop_id TEXT NOT NULL,
  member_number TEXT NOT NULL,
  external_id TEXT,
  kind TEXT NOT NULL,
  person_id TEXT,
  member_coop_id TEXT,
  status TEXT NOT NULL,
  joined_on TEXT NOT NULL,
  left_on TEXT,
  left_reason TEXT,
  sealed TEXT,
  data_hash TEXT,
  erased INTEGER NOT NULL DEFAULT 0,
  revision INTEGER NOT NULL
)`;

const MEMBERS_COLUMNS =
  'member_id, coop_id, member_number, external_id, kind, person_id, member_coop_id, status, ' +
  'joined_on, left_on, left_reason, sealed, data_hash, erased, revision';

/**
 * A file written before the table changed shape keeps its rows: they are copied once, at
 * start, into the rowid table (its indexes are made again by setUp). A layout older still,
 * without data hashes, is left as it is: the module rebuilds it from the log
 * (directoryLacksDataHash), and it must still look outdated if the node stops before that
 * rebuild commits.
 */
function moveMembersOutOfWithoutRowid(db: Database.Database): void {
  const ddl = db
    .prepare<[], string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'members'")
    .pluck()
    .get();
  if (ddl === undefined || !/WITHOUT\s+ROWID/i.test(ddl)) return;
  if (directoryLacksDataHash(db)) return;
  db.transaction(() => {
    db.exec('ALTER TABLE members RENAME TO members_without_rowid');
    db.exec(MEMBERS_TABLE);
    db.exec(
      `INSERT INTO members (${MEMBERS_COLUMNS}) SELECT ${MEMBERS_COLUMNS} FROM members_without_rowid`,
    );
    db.exec('DROP TABLE members_without_rowid');
  })();
}

/**
 * The member directory and the counts the ministry asks for. No plaintext personal data is
 * stored: rows keep the sealed blob, and the counts table holds only numbers per (coop,
 * province, gender, birth year). Each active person is counted in the bucket their data
 * opens to at the time; a person whose key is gone counts as unknown, so a rebuild after an
 * erasure gives the same counts as the erasure did incrementally.
 */
export function directoryProjection(vault: PersonVault): SqliteProjectionDefinition {
  return {
    name: 'member-directory-v1',
    types: [
      'MemberJoined',
      'PersonalDataRecorded',
      'MemberNumberChanged',
      'ExternalIdAttached',
      'MemberLeft',
      'PersonErased',
    ],
    setUp(db) {
      moveMembersOutOfWithoutRowid(db);
      db.exec(`${MEMBERS_TABLE};
      CREATE INDEX IF NOT EXISTS members_by_coop ON members(coop_id, member_id);
      CREATE INDEX IF NOT EXISTS members_by_number ON members(coop_id, member_number);
      CREATE INDEX IF NOT EXISTS members_by_external_id ON members(coop_id, external_id);
      CREATE INDEX IF NOT EXISTS members_by_person ON members(person_id);
      CREATE TABLE IF NOT EXISTS member_counts (
        coop_id TEXT NOT NULL,
        province TEXT NOT NULL,
        gender TEXT NOT NULL,
        birth_year INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (coop_id, province, gender, birth_year)
      ) WITHOUT ROWID;`);
    },
    reset(db) {
      db.exec('DROP TABLE IF EXISTS members; DROP TABLE IF EXISTS member_counts;');
    },
    apply(db, event) {
      if (event.type === 'PersonErased') {
        const e = { type: event.type, data: event.data } as PersonEvent;
        for (const memberId of e.data.memberIds) {
          const row = member(db, memberId);
          if (!row) continue;
          if (row.status === 'active') move(db, row, bucketOf(vault, row), UNKNOWN);
          stmt(
            db,
            'UPDATE members SET sealed = NULL, data_hash = NULL, erased = 1 WHERE member_id = ?',
          ).run(memberId);
        }
        return;
      }
      const memberId = idOf(event.stream);
      const e = { type: event.type, data: event.data } as MemberEvent;
      switch (e.type) {
        case 'MemberJoined': {
          const d = e.data;
          stmt(
            db,
            `INSERT OR REPLACE INTO members (member_id, coop_id, member_number, external_id, kind, person_id, member_coop_id,
               status, joined_on, revision) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
          ).run(
            memberId,
            d.coopId,
            d.memberNumber,
            d.externalId,
            d.kind,
            d.kind === 'person' ? d.personId : null,
            d.kind === 'coop' ? d.memberCoopId : null,
            d.joinedOn,
            event.revision,
          );
          return;
        }
        case 'PersonalDataRecorded': {
          const row = member(db, memberId)!;
          const before = row.status === 'active' && row.sealed ? bucketOf(vault, row) : undefined;
          const updated = { ...row, sealed: e.data.sealed };
          stmt(
            db,
            'UPDATE members SET sealed = ?, data_hash = ?, revision = ? WHERE member_id = ?',
          ).run(e.data.sealed, e.data.dataHash, event.revision, memberId);
          if (row.status === 'active') move(db, row, before, bucketOf(vault, updated));
          return;
        }
        case 'MemberNumberChanged':
          stmt(db, 'UPDATE members SET member_number = ?, revision = ? WHERE member_id = ?').run(
            e.data.to,
            event.revision,
            memberId,
          );
          return;
        case 'ExternalIdAttached':
          stmt(db, 'UPDATE members SET external_id = ?, revision = ? WHERE member_id = ?').run(
            e.data.externalId,
            event.revision,
            memberId,
          );
          return;
        case 'MemberLeft': {
          const row = member(db, memberId)!;
          if (row.status === 'active' && row.kind === 'person')
            move(db, row, bucketOf(vault, row), undefined);
          stmt(
            db,
            "UPDATE members SET status = 'left', left_on = ?, left_reason = ?, revision = ? WHERE member_id = ?",
          ).run(e.data.leftOn, e.data.reason, event.revision, memberId);
          return;
        }
      }
    },
  };
}

interface Bucket {
  province: string;
  gender: string;
  birthYear: number;
}
const UNKNOWN: Bucket = { province: 'unknown', gender: 'unknown', birthYear: 0 };

function member(db: Database.Database, memberId: string): MemberRow | undefined {
  return stmt<[string], MemberRow>(db, 'SELECT * FROM members WHERE member_id = ?').get(memberId);
}

function bucketOf(
  vault: PersonVault,
  row: Pick<MemberRow, 'person_id' | 'sealed' | 'erased'>,
): Bucket {
  if (!row.person_id || !row.sealed || row.erased) return UNKNOWN;
  const data = vault.openTrusted(row.person_id, row.sealed);
  if (data === 'erased') return UNKNOWN;
  return {
    province: data.address.province,
    gender: data.gender,
    birthYear: Number(data.birthDate.slice(0, 4)),
  };
}

/** Moves one person's count from one bucket to another (either may be absent). */
function move(
  db: Database.Database,
  row: MemberRow,
  from: Bucket | undefined,
  to: Bucket | undefined,
): void {
  if (from) {
    stmt(
      db,
      'UPDATE member_counts SET count = count - 1 WHERE coop_id = ? AND province = ? AND gender = ? AND birth_year = ?',
    ).run(row.coop_id, from.province, from.gender, from.birthYear);
    // Empty buckets go, so incremental updates and a rebuild leave the very same rows.
    stmt(
      db,
      'DELETE FROM member_counts WHERE coop_id = ? AND province = ? AND gender = ? AND birth_year = ? AND count = 0',
    ).run(row.coop_id, from.province, from.gender, from.birthYear);
  }
  if (to) {
    stmt(
      db,
      `INSERT INTO member_counts VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (coop_id, province, gender, birth_year) DO UPDATE SET count = count + 1`,
    ).run(row.coop_id, to.province, to.gender, to.birthYear);
  }
}

export function findMember(db: Database.Database, memberId: string): MemberRow | undefined {
  return member(db, memberId);
}

/** What a sync batch needs of a member that exists, to see whether an item changes it. */
export type KnownMember = Pick<MemberRow, 'member_id' | 'member_number' | 'status' | 'data_hash'>;

/** The members among `memberIds` in the directory, in one query (a sync batch's 1,000 at once). */
export function knownMembers(
  db: Database.Database,
  memberIds: readonly string[],
): Map<string, KnownMember> {
  const rows = stmt<[string], KnownMember>(
    db,
    `SELECT member_id, member_number, status, data_hash FROM members
      WHERE member_id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(memberIds));
  return new Map(rows.map((row) => [row.member_id, row]));
}

/** The persons among `personIds` whose erasure the directory has applied. */
export function erasedPersons(db: Database.Database, personIds: readonly string[]): Set<string> {
  return new Set(
    stmt<[string], { person_id: string }>(
      db,
      `SELECT DISTINCT person_id FROM members
        WHERE erased = 1 AND person_id IN (SELECT value FROM json_each(?))`,
    )
      .all(JSON.stringify(personIds))
      .map((row) => row.person_id),
  );
}

/** A directory kept before `data_hash` existed: it must be rebuilt from the log to fill it. */
export function directoryLacksDataHash(db: Database.Database): boolean {
  const columns = db
    .prepare<[], string>("SELECT name FROM pragma_table_info('members')")
    .pluck()
    .all();
  return columns.length > 0 && !columns.includes('data_hash');
}

/** Where a person is or was a member, with the sealed data each membership holds. */
type Membership = Pick<
  MemberRow,
  'member_id' | 'coop_id' | 'status' | 'left_on' | 'left_reason' | 'sealed' | 'erased'
>;
export function membershipsOfPerson(db: Database.Database, personId: string): Membership[] {
  return stmt<[string], Membership>(
    db,
    `SELECT member_id, coop_id, status, left_on, left_reason, sealed, erased FROM members
      WHERE person_id = ? ORDER BY member_id`,
  ).all(personId);
}

/** An active member of the coop, other than `exceptMemberId`, that is this person or coop. */
export function activeMemberAs(
  db: Database.Database,
  coopId: string,
  who: { personId: string } | { memberCoopId: string },
  exceptMemberId: string,
): string | undefined {
  const column = 'personId' in who ? 'person_id' : 'member_coop_id';
  const row = stmt<[string, string, string], { member_id: string }>(
    db,
    `SELECT member_id FROM members
      WHERE ${column} = ? AND coop_id = ? AND status = 'active' AND member_id != ? LIMIT 1`,
  ).get('personId' in who ? who.personId : who.memberCoopId, coopId, exceptMemberId);
  return row?.member_id;
}

/** A member of the coop, other than `exceptMemberId`, known under this external id. */
export function memberWithExternalId(
  db: Database.Database,
  coopId: string,
  externalId: string,
  exceptMemberId: string,
): string | undefined {
  return stmt<[string, string, string], { member_id: string }>(
    db,
    'SELECT member_id FROM members WHERE coop_id = ? AND external_id = ? AND member_id != ? LIMIT 1',
  ).get(coopId, externalId, exceptMemberId)?.member_id;
}

/** The person's memberships, as the rules on a known person's joining read them. */
export function pastMemberships(db: Database.Database, personId: string): PastMembership[] {
  return membershipsOfPerson(db, personId).map(asPast);
}

/** The memberships a coop holds as a member coop, as the rules on its joining read them. */
export function pastMembershipsAsCoop(
  db: Database.Database,
  memberCoopId: string,
): PastMembership[] {
  return stmt<[string], Membership>(
    db,
    `SELECT member_id, coop_id, status, left_on, left_reason, sealed, erased FROM members
      WHERE member_coop_id = ? ORDER BY member_id`,
  )
    .all(memberCoopId)
    .map(asPast);
}

/** The memberships a coop holds as a member coop that have not ended. */
export function activeMembershipsAsCoop(
  db: Database.Database,
  memberCoopId: string,
): MembershipAsCoop[] {
  return stmt<[string], MembershipAsCoop>(
    db,
    `SELECT member_id AS memberId, coop_id AS coopId, joined_on AS joinedOn FROM members
      WHERE member_coop_id = ? AND status = 'active' ORDER BY member_id`,
  ).all(memberCoopId);
}

/** The person's memberships that have not ended, but for `exceptMemberId`. */
export function activeMembershipsOfPerson(
  db: Database.Database,
  personId: string,
  exceptMemberId: string,
): ActiveMembership[] {
  return stmt<[string, string], ActiveMembership>(
    db,
    `SELECT member_id AS memberId, coop_id AS coopId, joined_on AS joinedOn FROM members
      WHERE person_id = ? AND status = 'active' AND member_id != ? ORDER BY member_id`,
  ).all(personId, exceptMemberId);
}

function asPast(row: Membership): PastMembership {
  return {
    coopId: row.coop_id,
    status: row.status,
    leftOn: row.left_on,
    leftReason: row.left_reason,
  };
}
