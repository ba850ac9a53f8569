import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { catalog } from '@kopfed/contracts';
import { integrationEventHandler, SqliteInbox } from '@kopfed/messaging';
import type { ServiceInstance } from '@kopfed/service-kit';
import type { Membership } from '../accounts/account-commands';
import type { IsoDate } from '../shared/dates';

type Consumption = NonNullable<ServiceInstance['consumes']>[number];

export type CoopKind = 'primary' | 'secondary' | 'tertiary';
export type CoopStatus = Membership['coopStatus'];

export interface MemberView extends Membership {
  coopId: string;
  coopKind: CoopKind;
  memberId: string;
  memberKind: 'person' | 'coop';
  memberCoopId: string | null;
  externalId: string | null;
  /**
   * The day the member left (MemberLeft's leftOn), null while a member — and for a departure
   * this copy kept before it kept the day (the column came later).
   */
  leftOn: IsoDate | null;
}

type CoopFacts = Pick<MemberView, 'coopKind' | 'coopStatus'>;
type MemberFacts = Pick<
  MemberView,
  'memberKind' | 'memberCoopId' | 'externalId' | 'memberActive' | 'leftOn'
>;

/** Rows kept in memory: every command on an account asks about its member. */
const CACHED_MEMBERS = 100_000;
const CACHED_COOPS = 10_000;

/**
 * Who may hold an account (closed loop, BRIEF §5): the savings service's own copy of the
 * federation's coops and members, fed by the member service's events through an inbox, so
 * each event takes effect once however often it is delivered.
 *
 * Rows read are kept in memory. In the service only this class writes the tables, and each
 * write forgets the row it changes inside its own transaction, so a read never sees an older row
 * than the table. (The savings benchmark seeds members straight into the table before anything
 * reads them; misses are not cached, so such rows are found.)
 */
export class MembershipDirectory {
  static readonly GROUP = 'savings.members';
  private readonly inbox: SqliteInbox;
  private readonly statements;
  private readonly coops = new LRUCache<string, CoopFacts>({ max: CACHED_COOPS });
  private readonly members = new LRUCache<string, MemberFacts>({ max: CACHED_MEMBERS });

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS savings_coops (
        coop_id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, parent_coop_id TEXT
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS savings_members (
        coop_id TEXT NOT NULL, member_id TEXT NOT NULL, kind TEXT NOT NULL, member_coop_id TEXT,
        external_id TEXT, active INTEGER NOT NULL, left_on TEXT, PRIMARY KEY (coop_id, member_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS savings_members_by_external ON savings_members (coop_id, external_id);
    `);
    addLeftOn(db);
    this.inbox = new SqliteInbox(db, MembershipDirectory.GROUP);
    this.statements = {
      coopRegistered: db.prepare<[string, string, string | null]>(
        `INSERT INTO savings_coops (coop_id, kind, status, parent_coop_id) VALUES (?, ?, 'applied', ?)
         ON CONFLICT (coop_id) DO NOTHING`,
      ),
      coopStatus: db.prepare<[string, string]>(
        'UPDATE savings_coops SET status = ? WHERE coop_id = ?',
      ),
      memberJoined: db.prepare<[string, string, string, string | null, string | null]>(
        `INSERT INTO savings_members (coop_id, member_id, kind, member_coop_id, external_id, active)
         VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT (coop_id, member_id) DO UPDATE SET active = 1, left_on = NULL`,
      ),
      externalIdAttached: db.prepare<[string, string, string]>(
        'UPDATE savings_members SET external_id = ? WHERE coop_id = ? AND member_id = ?',
      ),
      memberLeft: db.prepare<[string, string, string]>(
        'UPDATE savings_members SET active = 0, left_on = ? WHERE coop_id = ? AND member_id = ?',
      ),
      member: db.prepare<[string, string], MemberRow>(
        `SELECT m.coop_id, m.member_id, m.kind, m.member_coop_id, m.external_id, m.active,
                m.left_on, c.kind AS coop_kind, c.status AS coop_status
           FROM savings_members m JOIN savings_coops c ON c.coop_id = m.coop_id
          WHERE m.coop_id = ? AND m.member_id = ?`,
      ),
      byExternalId: db.prepare<[string, string], { member_id: string }>(
        'SELECT member_id FROM savings_members WHERE coop_id = ? AND external_id = ?',
      ),
    };
  }

  consumption(): Consumption {
    return {
      topic: catalog.topicOf('member'),
      group: MembershipDirectory.GROUP,
      handler: integrationEventHandler(catalog, async (event) => {
        const s = this.statements;
        switch (event.name) {
          case 'CoopRegistered': {
            const { coopId, kind, parentCoopId } = event.data;
            await this.inbox.apply(event.envelope.id, () => {
              s.coopRegistered.run(coopId, kind, parentCoopId);
              this.coops.delete(coopId);
            });
            return;
          }
          case 'CoopStatusChanged': {
            const { coopId, to } = event.data;
            await this.inbox.apply(event.envelope.id, () => {
              s.coopStatus.run(to, coopId);
              this.coops.delete(coopId);
            });
            return;
          }
          case 'MemberJoined': {
            const d = event.data;
            const memberCoopId = d.memberKind === 'coop' ? d.memberCoopId : null;
            await this.inbox.apply(event.envelope.id, () => {
              s.memberJoined.run(d.coopId, d.memberId, d.memberKind, memberCoopId, d.externalId);
              this.members.delete(memberKey(d.coopId, d.memberId));
            });
            return;
          }
          case 'ExternalIdAttached': {
            const { coopId, memberId, externalId } = event.data;
            await this.inbox.apply(event.envelope.id, () => {
              // The member's MemberJoined came first: one member, one key, one partition.
              const { changes } = s.externalIdAttached.run(externalId, coopId, memberId);
              if (changes !== 1) throw new Error(`member ${memberId} of ${coopId} never joined`);
              this.members.delete(memberKey(coopId, memberId));
            });
            return;
          }
          case 'MemberLeft': {
            const { coopId, memberId, leftOn } = event.data;
            await this.inbox.apply(event.envelope.id, () => {
              s.memberLeft.run(leftOn, coopId, memberId);
              this.members.delete(memberKey(coopId, memberId));
            });
            return;
          }
          default:
            return;
        }
      }),
    };
  }

  member(coopId: string, memberId: string): MemberView | undefined {
    const key = memberKey(coopId, memberId);
    let coop = this.coops.get(coopId);
    let member = this.members.get(key);
    if (!coop || !member) {
      const row = this.statements.member.get(coopId, memberId);
      if (!row) return undefined;
      coop = { coopKind: row.coop_kind as CoopKind, coopStatus: row.coop_status as CoopStatus };
      member = {
        memberKind: row.kind as 'person' | 'coop',
        memberCoopId: row.member_coop_id,
        externalId: row.external_id,
        memberActive: row.active === 1,
        leftOn: row.left_on,
      };
      this.coops.set(coopId, coop);
      this.members.set(key, member);
    }
    return { coopId, memberId, ...coop, ...member };
  }

  memberIdByExternalId(coopId: string, externalId: string): string | undefined {
    return this.statements.byExternalId.get(coopId, externalId)?.member_id;
  }
}

const memberKey = (coopId: string, memberId: string) => `${coopId}\u0000${memberId}`;

/**
 * The day a member left came in later than the table: a table made before gets the column,
 * empty. The table is the member service's events as this consumer took them (an inbox, not a
 * projection of savings' own log), so it cannot be rebuilt here; a departure it kept before has
 * no day, and owes no wajib month after it, as then.
 */
function addLeftOn(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(savings_members)').all();
  if (!columns.some((c) => c.name === 'left_on'))
    db.exec('ALTER TABLE savings_members ADD COLUMN left_on TEXT');
}

interface MemberRow {
  coop_id: string;
  member_id: string;
  kind: string;
  member_coop_id: string | null;
  external_id: string | null;
  active: number;
  left_on: string | null;
  coop_kind: string;
  coop_status: string;
}
