import type Database from 'better-sqlite3';
import { catalog, type KopfedCatalog, type ReceivedEvent } from '@kopfed/contracts';
import { integrationEventHandler, SqliteInbox } from '@kopfed/messaging';
import type { ServiceInstance } from '@kopfed/service-kit';
import type { BorrowerFacts, CoopStatus } from '../loans/loan-commands';
import { addDays } from '../shared/dates';

/**
 * Who may borrow: the loan service's own projection of the member service's events — coops
 * (kind, status, parent), members (person or coop, still a member or not) and cooperation
 * agreements. Each message takes effect once, through the inbox, in the read-model database.
 */
export const PARTIES_GROUP = 'loan.members';

const TABLES = `
  CREATE TABLE IF NOT EXISTS loan_party_coops (
    coop_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    parent_coop_id TEXT
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS loan_party_coops_parent ON loan_party_coops (parent_coop_id);
  CREATE TABLE IF NOT EXISTS loan_party_members (
    member_id TEXT PRIMARY KEY,
    coop_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    member_coop_id TEXT,
    external_id TEXT,
    left_on TEXT
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS loan_party_members_external ON loan_party_members (coop_id, external_id);
  CREATE INDEX IF NOT EXISTS loan_party_members_coop ON loan_party_members (coop_id, member_coop_id);
  CREATE TABLE IF NOT EXISTS loan_party_agreements (
    agreement_id TEXT PRIMARY KEY,
    coop_id TEXT NOT NULL,
    partner_coop_id TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL
  ) WITHOUT ROWID;`;

type Consumption = NonNullable<ServiceInstance['consumes']>[number];
type MemberTopicEvent = ReceivedEvent<KopfedCatalog['definitions'][number]>;

type CoopRow = { kind: 'primary' | 'secondary' | 'tertiary'; status: CoopStatus };
type MemberRow = {
  member_id: string;
  coop_id: string;
  kind: 'person' | 'coop';
  member_coop_id: string | null;
  left_on: string | null;
};

export class Parties {
  private readonly inbox: SqliteInbox;
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    db.exec(TABLES);
    this.inbox = new SqliteInbox(db, PARTIES_GROUP);
    this.statements = {
      coop: db.prepare<[string], CoopRow>(
        'SELECT kind, status FROM loan_party_coops WHERE coop_id = ?',
      ),
      member: db.prepare<[string], MemberRow>(
        'SELECT member_id, coop_id, kind, member_coop_id, left_on FROM loan_party_members WHERE member_id = ?',
      ),
      memberByExternalId: db.prepare<[string, string], { member_id: string }>(
        'SELECT member_id FROM loan_party_members WHERE coop_id = ? AND external_id = ?',
      ),
      membership: db.prepare<[string, string], { member_id: string }>(
        // A membership in force first; else the latest that ended, for the decider to refuse.
        `SELECT member_id FROM loan_party_members WHERE coop_id = ? AND member_coop_id = ?
          ORDER BY left_on IS NULL DESC, left_on DESC LIMIT 1`,
      ),
      agreement: db.prepare<
        [{ lender: string; member: string; on: string }],
        { agreement_id: string }
      >(
        `SELECT agreement_id FROM loan_party_agreements
          WHERE ((coop_id = @lender AND partner_coop_id = @member)
              OR (coop_id = @member AND partner_coop_id = @lender))
            AND valid_from <= @on AND valid_until >= @on
          ORDER BY valid_until DESC LIMIT 1`,
      ),
      insertCoop: db.prepare(
        // A coop registers as applied; CoopStatusChanged makes it active (member service).
        `INSERT INTO loan_party_coops (coop_id, kind, status, parent_coop_id) VALUES (?, ?, 'applied', ?)
         ON CONFLICT (coop_id) DO UPDATE SET kind = excluded.kind, parent_coop_id = excluded.parent_coop_id`,
      ),
      coopStatus: db.prepare('UPDATE loan_party_coops SET status = ? WHERE coop_id = ?'),
      insertMember: db.prepare(
        `INSERT OR REPLACE INTO loan_party_members (member_id, coop_id, kind, member_coop_id, external_id, left_on)
         VALUES (?, ?, ?, ?, ?, NULL)`,
      ),
      externalIdAttached: db.prepare<[string, string, string]>(
        'UPDATE loan_party_members SET external_id = ? WHERE member_id = ? AND coop_id = ?',
      ),
      memberLeft: db.prepare('UPDATE loan_party_members SET left_on = ? WHERE member_id = ?'),
      insertAgreement: db.prepare(
        'INSERT OR REPLACE INTO loan_party_agreements (agreement_id, coop_id, partner_coop_id, valid_from, valid_until) VALUES (?, ?, ?, ?, ?)',
      ),
      endAgreement: db.prepare(
        'UPDATE loan_party_agreements SET valid_until = MIN(valid_until, ?) WHERE agreement_id = ?',
      ),
    };
  }

  /** The facts a loan application is judged on, as of `on`. */
  factsFor(coopId: string, memberId: string, on: string): BorrowerFacts {
    const lender = this.statements.coop.get(coopId) ?? null;
    const row = this.statements.member.get(memberId);
    const member = row
      ? {
          memberId: row.member_id,
          coopId: row.coop_id,
          kind: row.kind,
          memberCoopId: row.member_coop_id,
          left: row.left_on !== null && row.left_on <= on,
        }
      : null;
    const memberCoopId = member?.memberCoopId ?? null;
    const memberCoop = memberCoopId ? (this.statements.coop.get(memberCoopId) ?? null) : null;
    const agreement = memberCoopId
      ? this.statements.agreement.get({ lender: coopId, member: memberCoopId, on })
      : undefined;
    return {
      lender,
      member,
      memberCoop: memberCoop && { status: memberCoop.status },
      agreement: agreement ? { agreementId: agreement.agreement_id } : null,
    };
  }

  /** The member id a member coop has in `coopId` (its parent), if the member service reported one. */
  coopMembership(coopId: string, memberCoopId: string): string | undefined {
    return this.statements.membership.get(coopId, memberCoopId)?.member_id;
  }

  memberIdByExternalId(coopId: string, externalId: string): string | undefined {
    return this.statements.memberByExternalId.get(coopId, externalId)?.member_id;
  }

  /** The consumer of the member topic the module hands to its host. */
  consumption(): Consumption {
    return {
      topic: catalog.topicOf('member'),
      group: PARTIES_GROUP,
      handler: integrationEventHandler(catalog, async (event) => {
        const effect = this.effectOf(event);
        if (effect) await this.inbox.apply(event.envelope.id, effect);
      }),
    };
  }

  private effectOf(event: MemberTopicEvent): (() => void) | undefined {
    const s = this.statements;
    switch (event.name) {
      case 'CoopRegistered': {
        const d = event.data;
        return () => void s.insertCoop.run(d.coopId, d.kind, d.parentCoopId);
      }
      case 'CoopStatusChanged': {
        const d = event.data;
        return () => void s.coopStatus.run(d.to, d.coopId);
      }
      case 'MemberJoined': {
        const d = event.data;
        const memberCoopId = d.memberKind === 'coop' ? d.memberCoopId : null;
        return () =>
          void s.insertMember.run(d.memberId, d.coopId, d.memberKind, memberCoopId, d.externalId);
      }
      case 'ExternalIdAttached': {
        const d = event.data;
        return () => {
          // The member's MemberJoined came first: one member, one key, one partition.
          const { changes } = s.externalIdAttached.run(d.externalId, d.memberId, d.coopId);
          if (changes !== 1) throw new Error(`member ${d.memberId} of ${d.coopId} never joined`);
        };
      }
      case 'MemberLeft': {
        const d = event.data;
        return () => void s.memberLeft.run(d.leftOn, d.memberId);
      }
      case 'CooperationAgreementSigned': {
        const d = event.data;
        return () =>
          void s.insertAgreement.run(
            d.agreementId,
            d.coopId,
            d.partnerCoopId,
            d.validFrom,
            d.validUntil,
          );
      }
      case 'CooperationAgreementTerminated': {
        const d = event.data;
        // terminatedOn is the first day out of force: the agreement covered up to the day before.
        return () => void s.endAgreement.run(addDays(d.terminatedOn, -1), d.agreementId);
      }
      default:
        // Other member events (RAT held, a person erased) do not change who may borrow.
        return undefined;
    }
  }
}
