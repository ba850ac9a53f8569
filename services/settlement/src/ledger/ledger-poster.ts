import { DomainError } from '@kopfed/domain';
import type { EventMetadata } from '@kopfed/eventstore';
import {
  accountCode,
  coopId as toCoopId,
  entryId,
  journalEntryFor,
  type Account,
  type Chart,
  type LedgerCommand,
  type MoneyEvent,
} from '@kopfed/ledger';
import { entryIdOf } from './entry-id';
import type { GlMappingBook } from './gl-mapping-book';
import type { LedgerHost } from './ledger-host';
import { datedToPost, type MoneyEventToPost } from './money-event-to-post';
import type { UnpostedTable } from './unposted-table';

const MEMBER_CLEARING_HEADER = '1-100';
const MEMBER_CLEARING = /^1-160\.(\d{4})$/;

function membersOf(event: MoneyEvent): string[] {
  const m = event.movement;
  switch (m.type) {
    case 'InterCoopTransferCleared':
      return [m.payerCoop, m.payeeCoop];
    case 'MemberNetPositionPaid':
    case 'MemberNetPositionReceived':
      return [m.memberCoop];
    default:
      return [];
  }
}

/**
 * Posts money events into the coops' ledgers, each at most once (its source event id is
 * the ledger's exactly-once key). Sets up what a ledger needs on first use: the default
 * chart, and at a parent a clearing sub-account per member coop (1-160.0001, …).
 */
export class LedgerPoster {
  constructor(
    private readonly host: LedgerHost,
    private readonly mappings: GlMappingBook,
    private readonly unposted: UnpostedTable,
  ) {}

  /**
   * Each coop's ledger is its own stream, so the coops of a page are posted side by side:
   * the store then commits their appends together (one fsync for the page, not one per coop).
   * Every coop is attempted; the first failure is rethrown and the page is retried (posting
   * is idempotent per source event).
   */
  async post(
    events: readonly MoneyEventToPost[],
    metadata: EventMetadata,
  ): Promise<{ posted: number; refused: number }> {
    const byCoop = new Map<string, MoneyEventToPost[]>();
    for (const event of events) {
      const coopEvents = byCoop.get(event.coopId);
      if (coopEvents) coopEvents.push(event);
      else byCoop.set(event.coopId, [event]);
    }
    const outcomes = await Promise.allSettled(
      [...byCoop].map(([coopId, coopEvents]) => this.postInto(coopId, coopEvents, metadata)),
    );
    let posted = 0;
    let refused = 0;
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
      posted += outcome.value.posted;
      refused += outcome.value.refused;
    }
    return { posted, refused };
  }

  private async postInto(
    coopId: string,
    coopEvents: readonly MoneyEventToPost[],
    metadata: EventMetadata,
  ): Promise<{ posted: number; refused: number }> {
    const first = coopEvents[0]!;
    await this.ensureChart(coopId, first.recordedAt, metadata);
    await this.ensureMemberClearing(
      coopId,
      [...new Set(coopEvents.flatMap(membersOf))],
      first.recordedAt,
      metadata,
    );
    const mappings = await this.mappings.mappings(coopId);
    const entries = new Map<string, MoneyEventToPost>();
    let refused = 0;
    const result = await this.host.execute(
      coopId,
      (state) =>
        coopEvents.flatMap((received): LedgerCommand[] => {
          if (state.posted.has(received.eventId)) return [];
          // Kept as dated: a refused mirror waits, and holds its period open, on that date.
          const event = datedToPost(received, state.closedThrough);
          try {
            const entry = journalEntryFor(event, mappings, entryId(entryIdOf(event)));
            entries.set(entry.source.eventId, event);
            return [{ type: 'PostEntry', entry }];
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            this.unposted.record(event, error.code, error.message, event.recordedAt);
            refused++;
            return [];
          }
        }),
      metadata,
      true,
    );
    for (const { command, error } of result.refused) {
      if (command.type !== 'PostEntry') continue;
      const event = entries.get(command.entry.source.eventId);
      if (event) this.unposted.record(event, error.code, error.message, event.recordedAt);
      refused++;
    }
    this.unposted.posted(
      coopId,
      coopEvents.filter((e) => result.state.posted.has(e.eventId)).map((e) => e.eventId),
    );
    return { posted: result.events.length, refused };
  }

  private async ensureChart(coopId: string, at: string, metadata: EventMetadata): Promise<void> {
    const state = await this.host.state(coopId);
    if (state.chart !== null) return;
    await this.host.execute(
      coopId,
      (s) =>
        s.chart === null
          ? [{ type: 'ConfigureChart', coopId: toCoopId(coopId), changes: {}, configuredAt: at }]
          : [],
      metadata,
    );
  }

  /** A parent's clearing sub-account for each member coop it clears for, made on first use. */
  private async ensureMemberClearing(
    parentId: string,
    members: readonly string[],
    at: string,
    metadata: EventMetadata,
  ): Promise<void> {
    const assigned = (await this.mappings.state(parentId)).memberClearing;
    const missing = members.filter((m) => !assigned.has(m));
    if (missing.length === 0) return;
    const state = await this.host.state(parentId);
    const chart = state.chart!;
    const accounts = new Map<string, string>();
    const upsert: Account[] = [];
    let next = nextSubAccount(chart);
    for (const member of missing) {
      const existing = [...chart.accounts.values()].find(
        (a) => a.clearing?.counterparty === member,
      );
      if (existing) {
        accounts.set(member, existing.code);
        continue;
      }
      const code = accountCode(`1-160.${String(next++).padStart(4, '0')}`);
      upsert.push({
        code,
        name: `Kliring ${member}`.slice(0, 120),
        gloss: `Inter-coop clearing with member coop ${member}`,
        type: 'asset',
        contra: false,
        parent: accountCode(MEMBER_CLEARING_HEADER),
        postable: true,
        balanceRule: { kind: 'none' },
        clearing: { counterparty: toCoopId(member) },
      });
      accounts.set(member, code);
    }
    if (upsert.length > 0) {
      await this.host.execute(
        parentId,
        () => [
          {
            type: 'ConfigureChart',
            coopId: toCoopId(parentId),
            changes: { upsert },
            configuredAt: at,
          },
        ],
        metadata,
      );
    }
    for (const [memberCoopId, account] of accounts) {
      await this.mappings.execute(
        parentId,
        { type: 'AssignMemberClearing', coopId: parentId, memberCoopId, account, now: at },
        metadata,
      );
    }
  }
}

function nextSubAccount(chart: Chart): number {
  let highest = 0;
  for (const code of chart.accounts.keys()) {
    const match = MEMBER_CLEARING.exec(code);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}
