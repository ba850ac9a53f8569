import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { notFound, rejected } from '@kopfed/domain';
import {
  jakartaBusinessDate,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
} from '@kopfed/eventstore';
import type { CoopDirectory } from '@kopfed/service-kit';
import type { BatchLifecycle } from '../batches/batch.decider';
import type { BatchService } from '../batches/batch-service';
import type { ClearingCore } from '../clearing/engine/clearing-core';
import type { LedgerHost } from '../ledger/ledger-host';
import { minorOf } from '../shared/money';
import { parseCsvStatement, type CsvLayout } from './csv-statement';
import { mt940Currencies, parseMt940 } from './mt940';
import {
  decideRecords,
  foldRecords,
  ownRecordsStream,
  type ItemResult,
  type OwnRecord,
  type OwnSettlementRecorded,
} from './own-records.decider';
import {
  decideImport,
  isStatementOf,
  legacyStatementStream,
  statementStream,
  type BankStatementImported,
} from './statement.decider';
import {
  reconcile,
  type BankLine,
  type CoopRecord,
  type ParentItem,
  type ThreeWayReport,
} from './three-way';

export interface StatementImport {
  statementId: string;
  currency: string;
  format: 'csv' | 'mt940';
  content: string;
  csv?: CsvLayout | undefined;
}

const SETTLING: readonly string[] = ['committed', 'settling', 'settled'];
const PAGE = 1_000;
const inWindow = (date: string, from?: string, to?: string) =>
  (from === undefined || date >= from) && (to === undefined || date <= to);

/** Bank statements, the coops' own records, and the three-way report (BRIEF §6). */
export class ReconciliationService {
  constructor(
    private readonly store: EventStore,
    private readonly core: ClearingCore,
    private readonly batches: BatchService,
    private readonly ledgers: LedgerHost,
    private readonly directory: CoopDirectory,
    private readonly clock: () => Date,
  ) {}

  async importStatement(
    parentCoopId: string,
    input: StatementImport,
    metadata: EventMetadata,
  ): Promise<{ statement: BankStatementImported; created: boolean }> {
    if (input.format === 'csv' && !input.csv)
      throw rejected('csv-layout-missing', 'A CSV statement needs its column layout.', '/csv');
    if (input.format === 'mt940') {
      // The statement names its account's currency: one it contradicts would be reconciled
      // against settlements in the wrong currency.
      const stated = [...mt940Currencies(input.content)].filter((c) => c !== input.currency);
      if (stated.length > 0)
        throw rejected(
          'statement-currency-differs',
          `The statement's balances are in ${stated.join(', ')}, not ${input.currency}.`,
          '/currency',
        );
    }
    const lines =
      input.format === 'csv'
        ? parseCsvStatement(input.content, input.csv!)
        : parseMt940(input.content);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([input.format, input.currency, input.csv ?? null, input.content]))
      .digest('hex');
    const stream = statementStream(parentCoopId, input.statementId);
    for (let attempt = 1; ; attempt++) {
      const existing = await this.statement(parentCoopId, input.statementId);
      const events = decideImport(existing, {
        parentCoopId,
        statementId: input.statementId,
        format: input.format,
        currency: input.currency,
        fingerprint,
        lines,
        now: this.clock().toISOString(),
      });
      if (events.length === 0) return { statement: existing!, created: false };
      try {
        await this.store.append(stream, newEvents(events, metadata), {
          expectedRevision: 'no_stream',
        });
        return { statement: events[0]!, created: true };
      } catch (error) {
        // Another import of this statement won the race: the next read sees it.
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= 3) throw error;
      }
    }
  }

  /** The parent's statement: under its stream, or under the stream it was imported to before. */
  async statement(
    parentCoopId: string,
    statementId: string,
  ): Promise<BankStatementImported | undefined> {
    const current = await this.firstEvent(statementStream(parentCoopId, statementId));
    if (current) {
      if (!isStatementOf(current, parentCoopId, statementId))
        throw notFound('statement-not-found', `No statement ${statementId}.`);
      return current;
    }
    const legacy = await this.firstEvent(legacyStatementStream(parentCoopId, statementId));
    return legacy && isStatementOf(legacy, parentCoopId, statementId) ? legacy : undefined;
  }

  private async firstEvent(stream: string): Promise<BankStatementImported | undefined> {
    return (await this.store.readStream(stream, { maxCount: 1 }))[0] as unknown as
      BankStatementImported | undefined;
  }

  async recordOwn(
    coopId: string,
    records: readonly OwnRecord[],
    metadata: EventMetadata,
  ): Promise<ItemResult[]> {
    const stream = ownRecordsStream(coopId);
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.store.readStream(stream);
      const known = foldRecords(recorded as unknown as OwnSettlementRecorded[]);
      const { events, results } = decideRecords(known, coopId, records, this.clock().toISOString());
      if (events.length === 0) return results;
      try {
        await this.store.append(stream, newEvents(events, metadata), {
          expectedRevision: recorded.at(-1)?.revision ?? 'no_stream',
        });
        return results;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= 3) throw error;
      }
    }
  }

  /** The three sources for every member coop of `parentCoopId`, optionally within dates. */
  async report(parentCoopId: string, from?: string, to?: string): Promise<ThreeWayReport> {
    if (from !== undefined && to !== undefined && from > to)
      throw rejected('period-reversed', `\`from\` (${from}) is after \`to\` (${to}).`, '/from');
    const parent = (await this.parentItems(parentCoopId)).filter((i) =>
      inWindow(i.expectedDate, from, to),
    );
    const coops = new Set(parent.map((i) => i.coopId));
    const records = (await this.ownRecords(parentCoopId, coops)).filter((r) =>
      inWindow(r.date, from, to),
    );
    const lines = (await this.bankLines(parentCoopId)).filter((l) =>
      inWindow(l.valueDate, from, to),
    );
    return reconcile(parent, records, lines);
  }

  private async parentItems(parentCoopId: string): Promise<ParentItem[]> {
    const lifecycles: BatchLifecycle[] = [];
    for (const b of this.core.state.batches.values())
      if (b.status === 'closed') lifecycles.push(b.lifecycle);
    for (let cursor = ''; ;) {
      const page = this.batches.table.list(undefined, cursor, PAGE);
      lifecycles.push(...page.filter((l) => !this.core.state.batches.has(l.batch.batchId)));
      if (page.length < PAGE) break;
      cursor = page[page.length - 1]!.batch.batchId;
    }
    const journal = await this.ledgers.journal(parentCoopId).catch(() => []);
    // A settlement's entry that was reversed is no longer in the books.
    const reversed = new Set(
      journal.flatMap((e) => (e.reverses === undefined ? [] : [e.reverses])),
    );
    const booked = new Set(
      journal
        .filter((e) => e.source.type === 'CoopSettlementConfirmed' && !reversed.has(e.entryId))
        .map((e) => e.source.eventId.split(':').pop()),
    );
    return lifecycles
      .filter(
        (l) =>
          l.batch.parentCoopId === parentCoopId &&
          (SETTLING.includes(l.status) || SETTLING.includes(l.dispute?.previousStatus ?? '')),
      )
      .flatMap((l) =>
        l.instructions.map((i): ParentItem => {
          const settlement = l.settlements.find((s) => s.coopId === i.coopId);
          const committed = l.timestamps.committed ?? l.closedAt;
          return {
            coopId: i.coopId,
            batchId: l.batch.batchId,
            reference: i.reference,
            direction: i.direction,
            amountMinor: minorOf(i.amount),
            currency: i.amount.currency,
            expectedDate: settlement?.settledOn ?? jakartaBusinessDate(new Date(committed)),
            confirmed: settlement !== undefined,
            booked: booked.has(i.reference),
            bankReference: settlement?.bankReference ?? null,
          };
        }),
      );
  }

  /**
   * The own records of every member coop of `parentCoopId`, and of any other coop with a
   * settlement of its: a record of a payment the parent never instructed is a mismatch too.
   * Only those coops' streams are read, so a report costs what its own coops recorded.
   */
  private async ownRecords(
    parentCoopId: string,
    settling: ReadonlySet<string>,
  ): Promise<CoopRecord[]> {
    const recorded = new Map<string, OwnSettlementRecorded[]>();
    for (const coopId of new Set([...this.directory.childrenOf(parentCoopId), ...settling])) {
      const events = await this.store.readStream(ownRecordsStream(coopId));
      if (events.length > 0) recorded.set(coopId, events as unknown as OwnSettlementRecorded[]);
    }
    return [...recorded].flatMap(([coopId, events]) =>
      [...foldRecords(events).values()].map((r): CoopRecord => ({
        coopId,
        recordId: r.recordId,
        reference: r.reference,
        direction: r.direction,
        amountMinor: minorOf(r.amount),
        currency: r.amount.currency,
        date: r.date,
      })),
    );
  }

  private async bankLines(parentCoopId: string): Promise<BankLine[]> {
    const lines: BankLine[] = [];
    for (let after = 0; ;) {
      const page = await this.store.readAll({ after, categories: ['statement'], maxCount: PAGE });
      for (const event of page) {
        const { data } = event as unknown as BankStatementImported;
        if (data.parentCoopId !== parentCoopId) continue;
        for (const l of data.lines)
          lines.push({
            ...l,
            statementId: data.statementId,
            amountMinor: BigInt(l.amountMinor),
            currency: data.currency,
          });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.position;
    }
    return lines;
  }
}

/** A decision's events as the store takes them: fresh ids, schema version 1. */
function newEvents(events: readonly { type: string; data: unknown }[], metadata: EventMetadata) {
  return events.map((e) => ({
    id: uuidv7(),
    type: e.type,
    schemaVersion: 1,
    data: e.data,
    metadata,
  }));
}
