import { v5 as uuidv5 } from 'uuid';
import { conflict, invariant, notFound } from '@kopfed/domain';
import { jakartaBusinessDate, type EventMetadata } from '@kopfed/eventstore';
import {
  accountCode,
  coopId as toCoopId,
  credit,
  debit,
  DEFAULT_CHART,
  entryId,
  glMappingOn,
  type Account,
  type ChartChanges,
  type JournalEntry,
  type LedgerCommand,
  periodEnd,
  type Period,
} from '@kopfed/ledger';
import { money } from '@kopfed/money';
import type { z } from 'zod';
import type { GlMappingBook } from './gl-mapping-book';
import { mappingsOf, type GlMappingJson } from './gl-mapping.decider';
import type { LedgerHost } from './ledger-host';
import type { AccountIn, ChartChangesIn, GlMappingIn, ManualEntryIn } from './ledger-schemas';
import type { UnpostedTable } from './unposted-table';

const ID_NAMESPACE = '2a4c0f61-8d7e-4b3a-9c15-7e6f5d4c3b2a';
const derivedId = (text: string): string => uuidv5(text, ID_NAMESPACE);
const bigintText = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value;
const toMoney = (m: { amount: string; currency: string }) => money(BigInt(m.amount), m.currency);

function account(input: z.output<typeof AccountIn>): Account {
  const rule = input.balanceRule;
  return {
    code: accountCode(input.code),
    name: input.name,
    gloss: input.gloss,
    type: input.type,
    contra: input.contra,
    ...(input.parent ? { parent: accountCode(input.parent) } : {}),
    postable: input.postable,
    balanceRule:
      rule.kind === 'floor'
        ? { kind: 'floor', floor: toMoney(rule.floor) }
        : rule.kind === 'ceiling'
          ? { kind: 'ceiling', ceiling: toMoney(rule.ceiling) }
          : { kind: rule.kind },
    ...(input.clearing
      ? {
          clearing: input.clearing.counterparty
            ? { counterparty: toCoopId(input.clearing.counterparty) }
            : {},
        }
      : {}),
  };
}

/** What the ledger routes ask of the ledgers: charts, mappings, manual entries, period close. */
export class LedgerCommands {
  constructor(
    private readonly host: LedgerHost,
    private readonly mappings: GlMappingBook,
    private readonly unposted: UnpostedTable,
    private readonly clock: () => Date,
  ) {}

  async changeChart(
    coopId: string,
    input: z.output<typeof ChartChangesIn>,
    metadata: EventMetadata,
  ) {
    const changes: ChartChanges = {
      ...(input.upsert ? { upsert: input.upsert.map(account) } : {}),
      ...(input.remove ? { remove: input.remove.map(accountCode) } : {}),
      ...(input.roles
        ? {
            roles: {
              ...(input.roles.currentYearShu
                ? { currentYearShu: accountCode(input.roles.currentYearShu) }
                : {}),
              ...(input.roles.retainedShu
                ? { retainedShu: accountCode(input.roles.retainedShu) }
                : {}),
            },
          }
        : {}),
    };
    const configuredAt = this.clock().toISOString();
    const result = await this.host.execute(
      coopId,
      () => [{ type: 'ConfigureChart', coopId: toCoopId(coopId), changes, configuredAt }],
      metadata,
    );
    return result.state.chart!;
  }

  /** Makes sure the coop has a chart (the default one) before anything is posted to it. */
  async ensureChart(coopId: string, metadata: EventMetadata) {
    const configuredAt = this.clock().toISOString();
    const result = await this.host.execute(
      coopId,
      (s) =>
        s.chart === null
          ? [{ type: 'ConfigureChart', coopId: toCoopId(coopId), changes: {}, configuredAt }]
          : [],
      metadata,
    );
    return result.state.chart!;
  }

  async setGlMapping(
    coopId: string,
    effectiveFrom: string,
    input: z.output<typeof GlMappingIn>,
    metadata: EventMetadata,
  ) {
    // Checked against the chart the coop would start on; its books start only once it fits.
    const chart = (await this.host.state(coopId)).chart ?? DEFAULT_CHART;
    const mapping: GlMappingJson = { effectiveFrom, ...input };
    await this.mappings.execute(
      coopId,
      { type: 'SetGlMapping', coopId, mapping, chart, now: this.clock().toISOString() },
      metadata,
    );
    await this.ensureChart(coopId, metadata);
    return this.glMappingOn(coopId, effectiveFrom);
  }

  async glMappingOn(coopId: string, on: string) {
    const state = await this.mappings.state(coopId);
    const mapping = glMappingOn(mappingsOf(coopId, state), toCoopId(coopId), on);
    const { savings, loans, memberClearing, ...slots } = mapping;
    return {
      ...slots,
      savings: { ...savings },
      loans: { ...loans },
      memberClearing: { ...memberClearing },
    };
  }

  async postManual(
    coopId: string,
    input: z.output<typeof ManualEntryIn>,
    metadata: EventMetadata,
  ): Promise<JournalEntry> {
    const sourceEventId = `manual:${input.entryId}`;
    // The ledger keys its inbox by source, not entry id: an id the books already gave another
    // entry would be posted a second time, under one id, before the check below could refuse it.
    const taken = (await this.host.journal(coopId)).find((e) => e.entryId === input.entryId);
    if (taken && taken.source.eventId !== sourceEventId) {
      throw conflict(
        'entry-id-conflict',
        `Entry ${input.entryId} is already in the journal, from ${taken.source.type}.`,
      );
    }
    const entry: JournalEntry = {
      entryId: entryId(input.entryId),
      coopId: toCoopId(coopId),
      businessDate: input.businessDate,
      recordedAt: this.clock().toISOString(),
      description: input.description,
      lines: input.lines.map((line) =>
        'debit' in line
          ? debit(accountCode(line.account), toMoney(line.debit), line.memo)
          : credit(accountCode(line.account), toMoney(line.credit), line.memo),
      ),
      source: { eventId: sourceEventId, type: 'ManualEntry' },
    };
    // The default chart and the entry in one append: a refused entry starts no books.
    const configuredAt = entry.recordedAt;
    const result = await this.host.execute(
      coopId,
      (s): LedgerCommand[] => [
        ...(s.chart === null
          ? [
              {
                type: 'ConfigureChart' as const,
                coopId: toCoopId(coopId),
                changes: {},
                configuredAt,
              },
            ]
          : []),
        { type: 'PostEntry', entry, today: jakartaBusinessDate(this.clock()) },
      ],
      metadata,
    );
    const posted = result.state.posted.get(entry.source.eventId);
    const recorded = (await this.host.journal(coopId)).find((e) => e.entryId === posted);
    const same = (e: JournalEntry) =>
      JSON.stringify([e.businessDate, e.description, e.lines], bigintText);
    if (!recorded || same(recorded) !== same(entry)) {
      throw conflict(
        'entry-id-conflict',
        `Entry ${input.entryId} was posted with other lines, date or description.`,
      );
    }
    return recorded;
  }

  async reverse(
    coopId: string,
    originalId: string,
    reason: string,
    businessDate: string | undefined,
    metadata: EventMetadata,
  ): Promise<JournalEntry> {
    const journal = await this.host.journal(coopId);
    const original = journal.find((e) => e.entryId === originalId);
    if (!original) throw notFound('entry-not-found', `Coop ${coopId} has no entry ${originalId}.`);
    // The same request again gets the reversal made; another one is refused. "The same" is
    // judged on what was stored: the reason exactly, and the date when the request names one.
    const madeFor = (made: { reversal: JournalEntry; reason: string }): JournalEntry => {
      const sameDate = businessDate === undefined || businessDate === made.reversal.businessDate;
      if (made.reason === reason && sameDate) return made.reversal;
      throw conflict(
        'entry-already-reversed',
        `Entry ${originalId} was reversed by ${made.reversal.entryId}.`,
      );
    };
    const earlier = await this.host.reversalOfEntry(coopId, originalId);
    if (earlier) return madeFor(earlier);
    const now = this.clock();
    const reversalEntryId = entryId(derivedId(`reversal\u0000${coopId}\u0000${originalId}`));
    await this.host.execute(
      coopId,
      () => [
        {
          type: 'ReverseEntry',
          original,
          reversalEntryId,
          sourceEventId: `reversal:${originalId}`,
          businessDate: businessDate ?? jakartaBusinessDate(now),
          recordedAt: now.toISOString(),
          reason,
          today: jakartaBusinessDate(now),
        },
      ],
      metadata,
    );
    // A request racing this one may have made the reversal first (this one then decided nothing).
    const made = await this.host.reversalOfEntry(coopId, originalId);
    invariant(made !== undefined, `Entry ${originalId} was reversed, yet no reversal is stored.`);
    return madeFor(made);
  }

  async closePeriod(coopId: string, period: Period, metadata: EventMetadata) {
    // A period closed with money events of it still refused would lose them for good: they
    // could no longer be posted, and its statements (and the year's SHU) would miss them.
    const { closedThrough } = await this.host.state(coopId);
    const waiting = this.unposted.datedIn(coopId, closedThrough, periodEnd(period));
    if (waiting.length > 0) {
      throw conflict(
        'period-has-unposted-events',
        `${waiting.length} money event(s) dated in the period are not posted yet (first: ${waiting[0]!.eventType} of ${waiting[0]!.businessDate}); fix their cause (books/unposted), then close.`,
        { unposted: waiting.length },
      );
    }
    const now = this.clock();
    const key = period.kind === 'month' ? period.month : String(period.year);
    const result = await this.host.execute(
      coopId,
      () => [
        {
          type: 'ClosePeriod',
          coopId: toCoopId(coopId),
          period,
          today: jakartaBusinessDate(now),
          closedAt: now.toISOString(),
          closingEntryId: entryId(derivedId(`closing\u0000${coopId}\u0000${key}`)),
          rollForwardEntryId: entryId(derivedId(`rollforward\u0000${coopId}\u0000${key}`)),
        },
      ],
      metadata,
    );
    return { coopId, period, closedThrough: result.state.closedThrough };
  }
}
