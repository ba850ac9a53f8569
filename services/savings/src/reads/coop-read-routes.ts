import { z } from 'zod';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { Accounts } from '../accounts/account-context';
import { type PRODUCT_KINDS } from '../products/product';
import { wire } from '../shared/money';
import type { ReadModelProjection } from '../shared/projection';
import { READ } from '../shared/policies';
import { readModelReady } from '../shared/read-model-ready';
import {
  CoopIdParam,
  CoopParams,
  EntityId,
  Limit,
  MoneyView,
  ProductCode,
} from '../shared/schemas';
import type { ReadModels } from './read-models';
import { AccountSummary } from './views';

export function coopReadRoutes(
  accounts: Accounts,
  projection: ReadModelProjection,
  models: ReadModels,
): Route[] {
  const fresh = () => readModelReady(() => projection.catchUp(undefined, 10_000));
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/accounts',
      operationId: 'listSavingsAccounts',
      summary: 'A coop’s accounts, by member, product or status; cursor-paged',
      tags: ['reads'],
      request: {
        params: CoopParams,
        query: z.strictObject({
          memberId: EntityId.optional(),
          productCode: ProductCode.optional(),
          status: z.enum(['open', 'closed']).optional(),
          after: EntityId.optional(),
          limit: Limit,
        }),
      },
      responses: {
        200: z
          .object({ items: z.array(AccountSummary), nextCursor: z.string().nullable() })
          .meta({ id: 'SavingsAccountPage' }),
      },
      policy: READ,
      handler: async ({ params, query }) => {
        await fresh();
        const rows = models.accounts(
          params.coopId,
          { ...query, limit: query.limit + 1 },
          accounts.now(),
        );
        const items = rows.slice(0, query.limit).map((r) => ({
          accountId: r.account_id,
          memberId: r.member_id,
          productCode: r.product_code,
          kind: r.kind as (typeof PRODUCT_KINDS)[number],
          classification: r.classification as 'equity' | 'liability',
          status: r.status as 'open' | 'closed',
          balance: wire(r.balance),
          availableBalance: wire(r.balance - r.reserved),
          openedOn: r.opened_on,
        }));
        return {
          status: 200,
          body: { items, nextCursor: rows.length > query.limit ? items.at(-1)!.accountId : null },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/members/{memberId}/wajib-arrears',
      operationId: 'getWajibArrears',
      summary: 'A member’s simpanan wajib obligation month by month, and what is in arrears',
      tags: ['reads'],
      request: { params: z.strictObject({ coopId: CoopIdParam, memberId: EntityId }) },
      responses: {
        200: z
          .object({
            memberId: z.string(),
            arrears: MoneyView,
            months: z.array(
              z.object({
                accountId: z.string(),
                month: z.string(),
                required: MoneyView,
                requiredToDate: MoneyView,
                paidToDate: MoneyView,
                arrears: MoneyView,
              }),
            ),
          })
          .meta({ id: 'WajibArrears' }),
      },
      policy: READ,
      handler: async ({ params }) => {
        await fresh();
        const months = models.wajibMonths(params.coopId, params.memberId);
        const arrears = models.wajibArrears(params.coopId, params.memberId);
        return {
          status: 200,
          body: {
            memberId: params.memberId,
            arrears: wire(arrears),
            months: months.map((m) => ({
              accountId: m.account_id,
              month: m.month,
              required: wire(m.required),
              requiredToDate: wire(m.required_to_date),
              paidToDate: wire(m.paid_to_date),
              arrears: wire(m.arrears),
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/totals',
      operationId: 'getSavingsTotals',
      summary: 'Totals per product: accounts, balances, held amounts, equity or liability',
      tags: ['reads'],
      request: { params: CoopParams },
      responses: {
        200: z
          .object({
            coopId: z.string(),
            products: z.array(
              z.object({
                productCode: z.string(),
                kind: z.string(),
                classification: z.string(),
                accounts: z.int(),
                openAccounts: z.int(),
                balance: MoneyView,
                held: MoneyView,
              }),
            ),
          })
          .meta({ id: 'SavingsTotals' }),
      },
      policy: READ,
      handler: async ({ params }) => {
        await fresh();
        const products = models.totals(params.coopId, accounts.now()).map((t) => ({
          productCode: t.product_code,
          kind: t.kind,
          classification: t.classification,
          accounts: Number(t.accounts),
          openAccounts: Number(t.open_accounts),
          balance: wire(t.balance),
          held: wire(t.reserved),
        }));
        return { status: 200, body: { coopId: params.coopId, products } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/public/totals',
      operationId: 'publicSavingsTotals',
      summary:
        'The federation’s savings by product kind, for the public transparency page (sums only: no account, no member, no coop’s own figures)',
      tags: ['reads'],
      request: {},
      responses: {
        200: z
          .object({
            kinds: z.array(
              z.object({
                kind: z.string(),
                classification: z.string(),
                coops: z.int(),
                openAccounts: z.int(),
                balance: MoneyView,
              }),
            ),
            total: MoneyView,
          })
          .meta({ id: 'PublicSavingsTotals' }),
      },
      policy: 'public',
      handler: async () => {
        await fresh();
        const rows = models.federationTotals();
        const kinds = rows.map((t) => ({
          kind: t.kind,
          classification: t.classification,
          coops: Number(t.coops),
          openAccounts: Number(t.open_accounts ?? 0n),
          balance: wire(t.balance ?? 0n),
        }));
        const total = rows.reduce((sum, t) => sum + (t.balance ?? 0n), 0n);
        return { status: 200, body: { kinds, total: wire(total) } };
      },
    }),
  ];
}
