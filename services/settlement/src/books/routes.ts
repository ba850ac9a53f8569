import { z } from 'zod';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { AsOf } from '@kopfed/ledger';
import { AsOfQuery, CoopParams, CurrencyCode, IsoDate, IsoInstant } from '../shared/schemas';
import {
  balanceSheetJson,
  generalLedgerJson,
  shuStatementJson,
  trialBalanceJson,
} from './books-json';
import type { UnpostedTable } from '../ledger/unposted-table';
import {
  BalanceSheetOut,
  Consolidated,
  CoopReport,
  EliminationsOut,
  GeneralLedgerOut,
  ShuStatementOut,
  TrialBalanceOut,
} from './books-schemas';
import type { BooksService } from './books-service';

const READERS = {
  roles: ['coop', 'treasurer', 'auditor', 'admin'] as const,
  coopScope: { pathParam: 'coopId' },
};
const AsOfParams = z.strictObject({ ...AsOfQuery });
const SheetQuery = z.strictObject({ ...AsOfQuery, currency: CurrencyCode.optional() });
const ShuQuery = z.strictObject({
  from: IsoDate,
  to: IsoDate,
  currency: CurrencyCode.optional(),
  recordedAt: IsoInstant.optional(),
});
const asOf = (q: { date?: string | undefined; recordedAt?: string | undefined }): AsOf => ({
  ...(q.date ? { businessDate: q.date } : {}),
  ...(q.recordedAt ? { recordedAt: q.recordedAt } : {}),
});
const TAGS = ['books'];

export function booksRoutes(books: BooksService, unposted: UnpostedTable): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/trial-balance',
      operationId: 'getTrialBalance',
      summary:
        'Neraca saldo (trial balance), as effective on a business date and/or as recorded at an instant',
      tags: TAGS,
      request: { params: CoopParams, query: AsOfParams },
      responses: { 200: CoopReport(TrialBalanceOut) },
      policy: READERS,
      handler: async ({ params, query }) => ({
        status: 200,
        body: {
          ...trialBalanceJson(await books.trialBalance(params.coopId, asOf(query))),
          unposted: unposted.waiting([params.coopId]),
        },
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/general-ledger',
      operationId: 'getGeneralLedger',
      summary: "Buku besar: one account's postings with its running balance",
      tags: TAGS,
      request: {
        params: CoopParams,
        query: z.strictObject({
          account: z.string().regex(/^[1-5]-\d{3}(\.\d{1,4}){0,2}$/),
          currency: CurrencyCode.optional(),
          from: IsoDate.optional(),
          to: IsoDate.optional(),
          recordedAt: IsoInstant.optional(),
        }),
      },
      responses: { 200: CoopReport(GeneralLedgerOut) },
      policy: READERS,
      handler: async ({ params, query }) => {
        const { account, currency, from, to, recordedAt } = query;
        const gl = await books.generalLedger(params.coopId, {
          account,
          ...(currency ? { currency } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(recordedAt ? { recordedAt } : {}),
        });
        return {
          status: 200,
          body: { ...generalLedgerJson(gl), unposted: unposted.waiting([params.coopId]) },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/balance-sheet',
      operationId: 'getBalanceSheet',
      summary: 'Neraca (SAK EP balance sheet)',
      tags: TAGS,
      request: { params: CoopParams, query: SheetQuery },
      responses: { 200: CoopReport(BalanceSheetOut) },
      policy: READERS,
      handler: async ({ params, query }) => ({
        status: 200,
        body: {
          ...balanceSheetJson(await books.balanceSheet(params.coopId, asOf(query), query.currency)),
          unposted: unposted.waiting([params.coopId]),
        },
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/shu-statement',
      operationId: 'getShuStatement',
      summary: 'Perhitungan hasil usaha (SHU statement) of a period',
      tags: TAGS,
      request: { params: CoopParams, query: ShuQuery },
      responses: { 200: CoopReport(ShuStatementOut) },
      policy: READERS,
      handler: async ({ params, query }) => {
        const { from, to, currency, recordedAt } = query;
        const st = await books.shuStatement(params.coopId, {
          from,
          to,
          ...(currency ? { currency } : {}),
          ...(recordedAt ? { recordedAt } : {}),
        });
        return {
          status: 200,
          body: { ...shuStatementJson(st), unposted: unposted.waiting([params.coopId]) },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/consolidated/trial-balance',
      operationId: 'getConsolidatedTrialBalance',
      summary:
        'The trial balance of the coop and every coop below it, inter-coop clearing eliminated',
      tags: TAGS,
      request: { params: CoopParams, query: AsOfParams },
      responses: { 200: Consolidated(TrialBalanceOut).extend({ eliminations: EliminationsOut }) },
      policy: READERS,
      handler: async ({ params, query }) => {
        const c = await books.consolidatedTrialBalance(params.coopId, asOf(query));
        return {
          status: 200,
          body: {
            root: c.root,
            coops: c.coops,
            statement: trialBalanceJson(c.trialBalance),
            eliminations: c.eliminations.map((e) => ({
              coopId: e.coopId,
              account: e.account,
              currency: e.currency,
              eliminated: e.eliminatedMinor.toString(),
            })),
            unposted: unposted.waiting(c.coops),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/consolidated/balance-sheet',
      operationId: 'getConsolidatedBalanceSheet',
      summary: 'The consolidated neraca of the coop and every coop below it',
      tags: TAGS,
      request: { params: CoopParams, query: SheetQuery },
      responses: { 200: Consolidated(BalanceSheetOut) },
      policy: READERS,
      handler: async ({ params, query }) => {
        const c = await books.consolidatedBalanceSheet(params.coopId, asOf(query), query.currency);
        return {
          status: 200,
          body: {
            root: params.coopId,
            coops: c.coops,
            statement: balanceSheetJson(c.sheet),
            unposted: unposted.waiting(c.coops),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/books/consolidated/shu-statement',
      operationId: 'getConsolidatedShuStatement',
      summary: 'The consolidated SHU statement of the coop and every coop below it',
      tags: TAGS,
      request: {
        params: CoopParams,
        query: z.strictObject({ from: IsoDate, to: IsoDate, currency: CurrencyCode.optional() }),
      },
      responses: { 200: Consolidated(ShuStatementOut) },
      policy: READERS,
      handler: async ({ params, query }) => {
        const { from, to, currency } = query;
        const c = await books.consolidatedShuStatement(params.coopId, {
          from,
          to,
          ...(currency ? { currency } : {}),
        });
        return {
          status: 200,
          body: {
            root: params.coopId,
            coops: c.coops,
            statement: shuStatementJson(c.statement),
            unposted: unposted.waiting(c.coops),
          },
        };
      },
    }),
  ];
}
