import { MemberId } from '@kopfed/contracts';
import { rejected } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { z } from 'zod';
import type { LoanContext } from '../context';
import { loanStream } from '../shared/streams';
import {
  businessDateOf,
  CoopParams,
  coopRead,
  Day,
  LoanParams,
  money,
  MoneyOut,
} from '../shared/http-schemas';
import type { LoanEvent } from './loan-events';
import { statementOf } from './statement';
import { LoanOut, loanView, ScheduleOut, scheduleView } from './views';

const tags = ['loans'];
const Cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/)
  .describe('the last loanId of the previous page');
const LIST_STATUS = z.enum(['applied', 'approved', 'rejected', 'active', 'closed', 'written_off']);

const LoanSummary = z.object({
  loanId: z.string(),
  memberId: z.string(),
  productCode: z.string(),
  externalId: z.string().nullable(),
  status: z.string(),
  kolektibilitas: z.string(),
  outstandingPrincipal: MoneyOut,
  overdueAmount: MoneyOut,
  provision: MoneyOut,
  appliedOn: z.string(),
});

type SummaryRow = {
  loan_id: string;
  member_id: string;
  product_code: string;
  external_id: string | null;
  status: string;
  kolektibilitas: string;
  outstanding_principal: bigint;
  overdue_amount: bigint;
  provision: bigint;
  applied_on: string;
};

export function readRoutes(ctx: LoanContext): Route[] {
  const list = ctx.db
    .prepare<
      [
        {
          coop: string;
          after: string;
          status: string | null;
          member: string | null;
          limit: number;
        },
      ],
      SummaryRow
    >(
      `SELECT loan_id, member_id, product_code, external_id, status, kolektibilitas, outstanding_principal,
              overdue_amount, provision, applied_on
         FROM loan_book
        WHERE coop_id = @coop AND loan_id > @after
          AND (@status IS NULL OR status = @status) AND (@member IS NULL OR member_id = @member)
        ORDER BY loan_id LIMIT @limit`,
    )
    .safeIntegers(true);
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loans',
      operationId: 'listLoans',
      summary: "A coop's loans, a page at a time",
      tags,
      request: {
        params: CoopParams,
        query: z.strictObject({
          status: LIST_STATUS.optional(),
          memberId: MemberId.optional(),
          cursor: Cursor.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
      responses: {
        200: z.object({ loans: z.array(LoanSummary), nextCursor: z.string().nullable() }),
      },
      policy: coopRead,
      handler: async ({ params, query }) => {
        await ctx.book.catchUp();
        const rows = list.all({
          coop: params.coopId,
          after: query.cursor ?? '',
          status: query.status ?? null,
          member: query.memberId ?? null,
          limit: query.limit,
        });
        return {
          status: 200,
          body: {
            loans: rows.map((r) => ({
              loanId: r.loan_id,
              memberId: r.member_id,
              productCode: r.product_code,
              externalId: r.external_id,
              status: r.status,
              kolektibilitas: r.kolektibilitas,
              outstandingPrincipal: money(r.outstanding_principal),
              overdueAmount: money(r.overdue_amount),
              provision: money(r.provision),
              appliedOn: r.applied_on,
            })),
            nextCursor: rows.length === query.limit ? rows[rows.length - 1]!.loan_id : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loans/{loanId}',
      operationId: 'getLoan',
      summary: 'A loan: its terms, what is due, its kolektibilitas and provision',
      tags,
      request: { params: LoanParams },
      responses: { 200: LoanOut },
      policy: coopRead,
      ifMatch: true,
      handler: async ({ params }) => {
        const { state, revision } = await ctx.loans.get(params.coopId, params.loanId);
        return { status: 200, body: loanView(state, businessDateOf(ctx.clock)), etag: revision };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loans/{loanId}/schedule',
      operationId: 'getLoanSchedule',
      summary: "A loan's installments, what was paid on each, and the balance after each",
      tags,
      request: { params: LoanParams },
      responses: { 200: ScheduleOut },
      policy: coopRead,
      handler: async ({ params }) => {
        const { state } = await ctx.loans.get(params.coopId, params.loanId);
        return { status: 200, body: scheduleView(state, businessDateOf(ctx.clock)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loans/{loanId}/history',
      operationId: 'getLoanHistory',
      summary: "A loan's events, oldest first, a page at a time",
      tags,
      request: {
        params: LoanParams,
        query: z.strictObject({
          fromRevision: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
          limit: z.coerce.number().int().min(1).max(1_000).default(200),
        }),
      },
      responses: {
        200: z.object({
          events: z.array(
            z.object({
              revision: z.int(),
              type: z.string(),
              businessDate: z.string(),
              recordedAt: z.string(),
              data: z.record(z.string(), z.unknown()),
            }),
          ),
          nextFromRevision: z.int().nullable(),
        }),
      },
      policy: coopRead,
      handler: async ({ params, query }) => {
        await ctx.loans.get(params.coopId, params.loanId);
        const events = await ctx.store.readStream(loanStream(params.loanId), {
          fromRevision: query.fromRevision,
          maxCount: query.limit,
        });
        return {
          status: 200,
          body: {
            events: events.map((e) => ({
              revision: e.revision,
              type: e.type,
              businessDate: e.businessDate,
              recordedAt: e.recordedAt,
              data: e.data as Record<string, unknown>,
            })),
            nextFromRevision:
              events.length === query.limit ? events[events.length - 1]!.revision + 1 : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loans/{loanId}/statement',
      operationId: 'getLoanStatement',
      summary: "A borrower's statement between two business dates",
      tags,
      request: {
        params: LoanParams,
        query: z.strictObject({ from: Day.optional(), to: Day.optional() }),
      },
      responses: {
        200: z.object({
          loanId: z.string(),
          from: z.string(),
          to: z.string(),
          openingPrincipal: MoneyOut,
          lines: z.array(
            z.object({
              date: z.string(),
              kind: z.string(),
              amount: MoneyOut,
              principal: MoneyOut,
              interest: MoneyOut,
              penalty: MoneyOut,
              fee: MoneyOut,
              outstandingPrincipal: MoneyOut,
            }),
          ),
          closingPrincipal: MoneyOut,
        }),
      },
      policy: coopRead,
      handler: async ({ params, query }) => {
        const { state } = await ctx.loans.get(params.coopId, params.loanId);
        const from = query.from ?? state.appliedOn;
        const to = query.to ?? businessDateOf(ctx.clock);
        if (from > to)
          throw rejected(
            'date_range_inverted',
            `a statement from ${from} to ${to} ends before it begins`,
            query.from === undefined ? '/to' : '/from',
          );
        const recorded = await ctx.store.readStream(loanStream(params.loanId));
        const events = recorded.map(
          (e) =>
            ({ type: e.type, data: e.data, businessDate: e.businessDate }) as LoanEvent & {
              businessDate: string;
            },
        );
        const statement = statementOf(events, from, to);
        return {
          status: 200,
          body: {
            loanId: params.loanId,
            from,
            to,
            openingPrincipal: money(statement.openingPrincipal),
            lines: statement.lines.map((l) => ({
              date: l.date,
              kind: l.kind,
              amount: money(l.amount),
              principal: money(l.principal),
              interest: money(l.interest),
              penalty: money(l.penalty),
              fee: money(l.fee),
              outstandingPrincipal: money(l.outstandingPrincipal),
            })),
            closingPrincipal: money(statement.closingPrincipal),
          },
        };
      },
    }),
  ];
}
