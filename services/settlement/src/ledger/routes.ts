import { z } from 'zod';
import { notFound } from '@kopfed/domain';
import { jakartaBusinessDate } from '@kopfed/eventstore';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { entryJson } from '../books/books-json';
import { CoopId, CoopParams, IsoDate } from '../shared/schemas';
import type { LedgerCommands } from './ledger-commands';
import type { LedgerHost } from './ledger-host';
import {
  ChartChangesIn,
  ChartOut,
  chartOut,
  EntryOut,
  GlMappingIn,
  GlMappingOut,
  ManualEntryIn,
  PeriodIn,
  ReversalIn,
  UnpostedOut,
} from './ledger-schemas';
import type { UnpostedTable } from './unposted-table';

const READ = {
  roles: ['coop', 'treasurer', 'auditor', 'admin'] as const,
  coopScope: { pathParam: 'coopId' },
};
const KEEP = { roles: ['coop', 'treasurer', 'admin'] as const, coopScope: { pathParam: 'coopId' } };
const TAGS = ['ledger'];

export function ledgerRoutes(
  host: LedgerHost,
  commands: LedgerCommands,
  unposted: UnpostedTable,
  clock: () => Date,
): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/chart',
      operationId: 'getChartOfAccounts',
      summary: "A coop's chart of accounts",
      tags: TAGS,
      request: { params: CoopParams },
      responses: { 200: ChartOut },
      policy: READ,
      handler: async ({ params }) => {
        const { chart } = await host.state(params.coopId);
        if (!chart)
          throw notFound('ledger-not-found', `Coop ${params.coopId} has no books here yet.`);
        return { status: 200, body: chartOut(params.coopId, chart) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/chart/changes',
      operationId: 'changeChartOfAccounts',
      summary:
        "Add, replace or remove accounts of a coop's chart (the default chart to begin with)",
      tags: TAGS,
      request: { params: CoopParams, body: ChartChangesIn },
      responses: { 200: ChartOut },
      policy: KEEP,
      handler: async ({ params, body }, ctx) => ({
        status: 200,
        body: chartOut(
          params.coopId,
          await commands.changeChart(params.coopId, body, ctx.metadata),
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/gl-mapping',
      operationId: 'getGlMapping',
      summary: 'Which accounts money events post to, per product, in force on a date',
      tags: TAGS,
      request: { params: CoopParams, query: z.strictObject({ on: IsoDate.optional() }) },
      responses: { 200: GlMappingOut },
      policy: READ,
      handler: async ({ params, query }) => ({
        status: 200,
        body: await commands.glMappingOn(params.coopId, query.on ?? jakartaBusinessDate(clock())),
      }),
    }),
    defineRoute({
      method: 'PUT',
      path: '/coops/{coopId}/gl-mapping/{effectiveFrom}',
      operationId: 'setGlMapping',
      summary: 'Set the GL mapping in force from a date (data, not code: BRIEF §5)',
      tags: TAGS,
      request: {
        params: z.strictObject({ coopId: CoopId, effectiveFrom: IsoDate }),
        body: GlMappingIn,
      },
      responses: { 200: GlMappingOut },
      policy: KEEP,
      handler: async ({ params, body }, ctx) => ({
        status: 200,
        body: await commands.setGlMapping(params.coopId, params.effectiveFrom, body, ctx.metadata),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/periods/close',
      operationId: 'closePeriod',
      summary: 'Close a month, or the financial year (which closes income and expense into SHU)',
      tags: TAGS,
      request: { params: CoopParams, body: PeriodIn },
      responses: {
        200: z.object({
          coopId: z.string(),
          period: PeriodIn.shape.period,
          closedThrough: z.string().nullable(),
        }),
      },
      policy: KEEP,
      handler: async ({ params, body }, ctx) => ({
        status: 200,
        body: await commands.closePeriod(params.coopId, body.period, ctx.metadata),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/journal-entries',
      operationId: 'postJournalEntry',
      summary: 'Post a balanced journal entry by hand (opening balances, adjustments)',
      tags: TAGS,
      request: { params: CoopParams, body: ManualEntryIn },
      responses: { 201: EntryOut },
      policy: KEEP,
      handler: async ({ params, body }, ctx) => ({
        status: 201,
        body: entryJson(await commands.postManual(params.coopId, body, ctx.metadata)),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/journal-entries/{entryId}/reversal',
      operationId: 'reverseJournalEntry',
      summary: 'Correct an entry with a reversing entry (entries are immutable)',
      tags: TAGS,
      request: {
        params: z.strictObject({
          coopId: CoopId,
          entryId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        }),
        body: ReversalIn,
      },
      responses: { 201: EntryOut },
      policy: KEEP,
      handler: async ({ params, body }, ctx) => ({
        status: 201,
        body: entryJson(
          await commands.reverse(
            params.coopId,
            params.entryId,
            body.reason,
            body.businessDate,
            ctx.metadata,
          ),
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/unposted',
      operationId: 'listUnpostedMoneyEvents',
      summary:
        "Money events the coop's ledger refused, with the reason; retried at close of business",
      tags: TAGS,
      request: { params: CoopParams },
      responses: { 200: UnpostedOut },
      policy: READ,
      handler: async ({ params }) => ({
        status: 200,
        body: { items: unposted.list(params.coopId, 500) },
      }),
    }),
  ];
}
