import { z } from 'zod';
import { rejected } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { accountStream, type Accounts } from '../accounts/account-context';
import { availableAt } from '../accounts/account-state';
import { wire } from '../shared/money';
import type { ReadModelProjection } from '../shared/projection';
import { READ } from '../shared/policies';
import { readModelReady } from '../shared/read-model-ready';
import { AccountParams, BusinessDate, Cursor, Instant, Limit } from '../shared/schemas';
import { balanceAsRecorded, balanceEffectiveOn } from './balance-as-of';
import type { ReadModels } from './read-models';
import { Balance, Statement } from './views';

export function accountReadRoutes(
  accounts: Accounts,
  projection: ReadModelProjection,
  models: ReadModels,
): Route[] {
  const fresh = () => readModelReady(() => projection.catchUp(undefined, 10_000));
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/accounts/{accountId}/balance',
      operationId: 'getSavingsBalance',
      summary:
        'Balance and available balance now, as recorded at an instant (asOf), or as effective on a business date (on)',
      tags: ['reads'],
      request: {
        params: AccountParams,
        query: z.strictObject({ asOf: Instant.optional(), on: BusinessDate.optional() }),
      },
      responses: { 200: Balance },
      policy: READ,
      handler: async ({ params, query }) => {
        if (query.asOf && query.on)
          throw rejected('one-basis', 'Ask for asOf or on, not both.', '/on');
        const { account } = await accounts.account(params.coopId, params.accountId);
        const events =
          query.asOf || query.on
            ? await accounts.store.readStream(accountStream(params.accountId))
            : [];
        const now = accounts.now();
        const at = query.asOf
          ? {
              basis: 'recorded_at' as const,
              at: new Date(query.asOf).toISOString(),
              ...balanceAsRecorded(events, query.asOf),
            }
          : query.on
            ? {
                basis: 'effective_on' as const,
                at: query.on,
                ...balanceEffectiveOn(events, query.on),
              }
            : {
                basis: 'now' as const,
                at: now,
                balance: account.balance,
                available: availableAt(account, now),
              };
        return {
          status: 200,
          body: {
            accountId: params.accountId,
            basis: at.basis,
            at: at.at,
            balance: wire(at.balance),
            availableBalance: wire(at.available),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/accounts/{accountId}/statement',
      operationId: 'getSavingsStatement',
      summary:
        'A statement between two business dates, with opening and closing balance; cursor-paged',
      tags: ['reads'],
      request: {
        params: AccountParams,
        query: z.strictObject({
          from: BusinessDate,
          to: BusinessDate,
          cursor: Cursor.optional(),
          limit: Limit,
        }),
      },
      responses: { 200: Statement },
      policy: READ,
      handler: async ({ params, query }) => {
        if (query.to < query.from)
          throw rejected('bad-range', 'The statement ends on or after it begins.', '/to');
        await accounts.account(params.coopId, params.accountId);
        await fresh();
        const cursor = parseCursor(query.cursor, query.from, query.to);
        const page = models.statement(params.accountId, query.from, query.to, cursor, query.limit);
        let running = page.opening + page.before;
        const lines = page.lines.slice(0, query.limit).map((l) => {
          running += l.amount;
          return {
            revision: Number(l.revision),
            businessDate: l.on_date,
            recordedAt: l.recorded_at,
            type: l.type,
            amount: wire(l.amount),
            balance: wire(running),
            reference: l.reference,
          };
        });
        const last = lines.at(-1);
        const nextCursor =
          page.lines.length > query.limit && last
            ? `${last.businessDate}:${last.revision}:${page.upTo}`
            : null;
        return {
          status: 200,
          body: {
            accountId: params.accountId,
            from: query.from,
            to: query.to,
            openingBalance: wire(page.opening),
            closingBalance: wire(page.closing),
            lines,
            nextCursor,
          },
        };
      },
    }),
  ];
}

/**
 * A cursor names the last line given out, so it falls within the statement's dates, and the
 * store position the statement was read up to (absent in cursors given out before it was kept).
 */
function parseCursor(
  cursor: string | undefined,
  from: string,
  to: string,
): { on: string; revision: number; upTo?: number } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}):(\d{1,9})(?::(\d{1,15}))?$/.exec(cursor);
  if (!match || match[1]! < from || match[1]! > to)
    throw rejected('bad-cursor', 'Not a cursor this statement gave out.', '/cursor');
  const on = match[1]!;
  const revision = Number(match[2]);
  return match[3] === undefined ? { on, revision } : { on, revision, upTo: Number(match[3]) };
}
