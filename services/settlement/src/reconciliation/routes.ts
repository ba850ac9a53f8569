import { z } from 'zod';
import { notFound } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import {
  CoopId,
  CoopParams,
  CurrencyCode,
  IsoDate,
  PositiveMoney,
  Reference,
} from '../shared/schemas';
import { DATE_FORMATS } from './csv-statement';
import type { ReconciliationService } from './reconciliation-service';
import type { ThreeWayReport } from './three-way';

const Column = z.union([z.string().min(1).max(64), z.int().min(0).max(200)]);
const StatementIn = z.strictObject({
  statementId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  currency: CurrencyCode.default('IDR'),
  format: z.enum(['csv', 'mt940']),
  content: z.string().min(1).max(900_000).describe('the statement file as text'),
  csv: z
    .strictObject({
      delimiter: z.enum([',', ';', '\t', '|']).default(','),
      hasHeader: z.boolean().default(true),
      dateFormat: z.enum(DATE_FORMATS).default('YYYY-MM-DD'),
      decimalSeparator: z.enum(['.', ',']).default('.'),
      columns: z.strictObject({
        date: Column,
        amount: Column.optional().describe('signed: money in positive'),
        debit: Column.optional().describe('money out'),
        credit: Column.optional().describe('money in'),
        reference: Column.optional(),
        description: Column.optional(),
      }),
    })
    .optional()
    .describe('the layout of a CSV statement: which column holds what'),
});
const LineOut = z.object({
  lineNo: z.int(),
  valueDate: z.string(),
  amountMinor: z.string(),
  reference: z.string(),
  description: z.string(),
});
const StatementOut = z.object({
  parentCoopId: z.string(),
  statementId: z.string(),
  format: z.enum(['csv', 'mt940']),
  currency: z.string(),
  importedAt: z.string(),
  lineCount: z.int(),
  lines: z.array(LineOut),
});
const RecordsIn = z.strictObject({
  records: z
    .array(
      z.strictObject({
        recordId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        reference: Reference,
        direction: z.enum(['paid', 'received']),
        amount: PositiveMoney,
        date: IsoDate,
      }),
    )
    .min(1)
    .max(1_000),
});
const ResultsOut = z.object({
  results: z.array(
    z.object({
      recordId: z.string(),
      status: z.enum(['created', 'unchanged', 'conflict']),
      detail: z.string().optional(),
    }),
  ),
});
const Mismatch = z.object({
  source: z.enum(['bank', 'coop', 'parent_books']),
  cause: z.enum(['missing', 'duplicated', 'amount_differs', 'date_differs', 'reference_differs']),
  expected: z.string().nullable(),
  actual: z.string().nullable(),
});
const Bank = z.object({
  statementId: z.string(),
  lineNo: z.int(),
  valueDate: z.string(),
  amount: z.string(),
  currency: z.string(),
  reference: z.string(),
  description: z.string(),
});
const Own = z.object({
  recordId: z.string(),
  reference: z.string(),
  direction: z.string(),
  amount: z.string(),
  currency: z.string(),
  date: z.string(),
});
const ReportOut = z.object({
  parentCoopId: z.string(),
  coops: z.array(
    z.object({
      coopId: z.string(),
      items: z.array(
        z.object({
          batchId: z.string(),
          reference: z.string(),
          direction: z.enum(['pay', 'receive']),
          amount: z.string(),
          currency: z.string(),
          expectedDate: z.string(),
          confirmed: z.boolean(),
          booked: z.boolean(),
          coop: z.array(Own),
          bank: z.array(Bank),
          mismatches: z.array(Mismatch),
        }),
      ),
      unmatchedCoopRecords: z.array(Own),
    }),
  ),
  unmatchedBankLines: z.array(Bank),
});

const bankOut = ({ amountMinor, ...line }: ThreeWayReport['unmatchedBankLines'][number]) => ({
  ...line,
  amount: amountMinor.toString(),
});
const ownOut = (r: {
  recordId: string;
  reference: string;
  direction: string;
  amountMinor: bigint;
  currency: string;
  date: string;
}) => ({
  recordId: r.recordId,
  reference: r.reference,
  direction: r.direction,
  amount: r.amountMinor.toString(),
  currency: r.currency,
  date: r.date,
});

function reportOut(parentCoopId: string, report: ThreeWayReport) {
  return {
    parentCoopId,
    coops: report.coops.map((c) => ({
      coopId: c.coopId,
      items: c.items.map(({ parent: p, coop, bank, mismatches }) => ({
        batchId: p.batchId,
        reference: p.reference,
        direction: p.direction,
        amount: p.amountMinor.toString(),
        currency: p.currency,
        expectedDate: p.expectedDate,
        confirmed: p.confirmed,
        booked: p.booked,
        coop: coop.map(ownOut),
        bank: bank.map(bankOut),
        mismatches,
      })),
      unmatchedCoopRecords: c.unmatchedCoopRecords.map(ownOut),
    })),
    unmatchedBankLines: report.unmatchedBankLines.map(bankOut),
  };
}

const TREASURY = { roles: ['treasurer', 'admin'] as const, coopScope: { pathParam: 'coopId' } };
const TAGS = ['reconciliation'];

export function reconciliationRoutes(service: ReconciliationService): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/bank-statements',
      operationId: 'importBankStatement',
      summary: "Import the parent's bank statement (CSV with configurable columns, or MT940)",
      tags: TAGS,
      request: { params: CoopParams, body: StatementIn },
      responses: { 200: StatementOut, 201: StatementOut },
      policy: TREASURY,
      handler: async ({ params, body }, ctx) => {
        const { statement, created } = await service.importStatement(
          params.coopId,
          body,
          ctx.metadata,
        );
        const { fingerprint: _fingerprint, lines, ...rest } = statement.data;
        return { status: created ? 201 : 200, body: { ...rest, lineCount: lines.length, lines } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/bank-statements/{statementId}',
      operationId: 'getBankStatement',
      summary: 'An imported bank statement and its lines',
      tags: TAGS,
      request: {
        params: z.strictObject({
          coopId: CoopId,
          statementId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        }),
      },
      responses: { 200: StatementOut },
      policy: { roles: ['treasurer', 'auditor', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params }) => {
        const statement = await service.statement(params.coopId, params.statementId);
        if (!statement)
          throw notFound('statement-not-found', `No statement ${params.statementId}.`);
        const { fingerprint: _fingerprint, lines, ...rest } = statement.data;
        return { status: 200, body: { ...rest, lineCount: lines.length, lines } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/settlement-records',
      operationId: 'syncOwnSettlementRecords',
      summary:
        "Sync the settlement payments as the coop's own system recorded them (per-item results)",
      tags: TAGS,
      request: { params: CoopParams, body: RecordsIn },
      responses: { 200: ResultsOut },
      policy: { roles: ['coop', 'treasurer', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params, body }, ctx) => {
        const records = body.records.map((r) => ({
          ...r,
          amount: { amount: r.amount.amount, currency: r.amount.currency },
        }));
        return {
          status: 200,
          body: { results: await service.recordOwn(params.coopId, records, ctx.metadata) },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/reconciliation',
      operationId: 'getReconciliationReport',
      summary:
        "Three-way reconciliation of a parent's settlements: each coop's own records, the parent's books, the bank",
      tags: TAGS,
      request: {
        params: CoopParams,
        query: z.strictObject({ from: IsoDate.optional(), to: IsoDate.optional() }),
      },
      responses: { 200: ReportOut },
      policy: { roles: ['treasurer', 'auditor', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params, query }) => ({
        status: 200,
        body: reportOut(params.coopId, await service.report(params.coopId, query.from, query.to)),
      }),
    }),
  ];
}
