import { LoanId, LoanProductCode, SettlementBatchId } from '@kopfed/contracts';
import { conflict, DomainError, notFound } from '@kopfed/domain';
import { handleCommand } from '@kopfed/eventstore';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { z } from 'zod';
import type { LoanContext } from '../context';
import { loanView, LoanOut } from '../loans/views';
import { loadProduct } from '../products/routes';
import { businessDateOf, CoopParams, money, MoneyOut, Months } from '../shared/http-schemas';
import { liquidityProductStream } from '../shared/streams';
import { designationDecider } from './designation';
import { loadDesignation, type RequestRow } from './requests';

const tags = ['liquidity loans'];
/** The parent's finance staff decide; auditors read. */
const TREASURY_WRITE = {
  roles: ['treasurer', 'admin'],
  coopScope: { pathParam: 'coopId' },
} as const;
const TREASURY_READ = {
  roles: ['treasurer', 'auditor', 'admin'],
  coopScope: { pathParam: 'coopId' },
} as const;

const DesignationBody = z.strictObject({
  productCode: LoanProductCode,
  termMonths: Months.min(1).describe('the term every liquidity loan is applied for'),
});
const DesignationOut = z.object({
  coopId: z.string(),
  productCode: z.string(),
  termMonths: z.int(),
  designatedOn: z.string(),
});
const DesignatedOut = DesignationOut.extend({
  requestsAnswered: z
    .object({
      applied: z.int(),
      unanswered: z.int(),
      remaining: z.int().describe('those left untried beyond the 100: designate again to try them'),
    })
    .describe(
      'unanswered requests a designation can answer (no product, or the product’s refusal), tried again oldest first, up to 100',
    ),
});

const RequestParams = CoopParams.extend({ requestId: LoanId });
const RequestStatus = z.enum(['unanswered', 'applied']);
const Cursor = z
  .string()
  .regex(/^[1-9][0-9]{0,14}$/)
  .describe('the last request’s cursor of the previous page');
const RequestOut = z.object({
  requestId: z
    .string()
    .describe('also the id of its first loan application; one made after a rejection has its own'),
  batchId: z.string(),
  coopId: z.string().describe('the borrower: the member coop short of cover at settlement'),
  shortfall: MoneyOut,
  requestedAt: z.string(),
  status: RequestStatus,
  reason: z
    .string()
    .nullable()
    .describe(
      'why it is unanswered, as a problem code (application_rejected: its loan was rejected)',
    ),
  detail: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  loan: z
    .object({ loanId: z.string(), status: z.string().nullable() })
    .nullable()
    .describe('its current loan application, also when rejected'),
});

function requestView(row: RequestRow): z.input<typeof RequestOut> {
  return {
    requestId: row.request_id,
    batchId: row.batch_id,
    coopId: row.coop_id,
    shortfall: { ...money(BigInt(row.shortfall)), currency: row.currency },
    requestedAt: row.requested_at,
    status: row.answer,
    reason: row.shown_reason,
    detail: row.shown_detail,
    lastAttemptAt: row.attempted_at,
    loan: row.loan_id === null ? null : { loanId: row.loan_id, status: row.loan_status },
  };
}

export function liquidityLoanRoutes(ctx: LoanContext): Route[] {
  const requests = ctx.liquidityLoans;
  return [
    defineRoute({
      method: 'PUT',
      path: '/coops/{coopId}/liquidity-loan-product',
      operationId: 'designateLiquidityLoanProduct',
      summary: 'Designate the loan product that lends member coops their settlement shortfall',
      description:
        'When a settlement is committed while a member coop (that opted in) owes more than its liquidity cover, the settlement service requests a liquidity loan (LiquidityLoanRequested) and the loan service applies for it on this product and term, for the shortfall, in the parent coop; the application then waits for approval (by another key than the applicant) and disbursement. The product must be in force today, unsecured, and allow the term. Designating tries again, up to 100 and oldest first, the requests unanswered for want of a product or for its refusal (not those waiting on the borrower, the currency or a rejected application), in the name of the designating key: that key does not approve them.',
      tags,
      request: { params: CoopParams, body: DesignationBody },
      responses: { 200: DesignatedOut },
      policy: TREASURY_WRITE,
      ifMatch: true,
      handler: async ({ params, body }, rc) => {
        const today = businessDateOf(ctx.clock);
        const product = await loadProduct(ctx, params.coopId, body.productCode);
        const result = await handleCommand(ctx.store, {
          stream: liquidityProductStream(params.coopId),
          decider: designationDecider,
          command: {
            type: 'DesignateLiquidityLoanProduct',
            coopId: params.coopId,
            productCode: body.productCode,
            product: product.state,
            termMonths: body.termMonths,
            designatedOn: today,
            designatedBy: rc.principal.keyId,
          },
          ...(rc.expectedRevision === undefined ? {} : { expectedRevision: rc.expectedRevision }),
          metadata: rc.metadata,
        });
        const designation = result.state.designation!;
        // The designating treasurer is the applicant: maker-checker keeps them from approving.
        const requestsAnswered = await requests.answerUnanswered(params.coopId, {
          appliedBy: rc.principal.keyId,
          metadata: rc.metadata,
        });
        return {
          status: 200,
          body: {
            coopId: params.coopId,
            productCode: designation.productCode,
            termMonths: designation.termMonths,
            designatedOn: designation.designatedOn,
            requestsAnswered,
          },
          ...(result.revision === undefined ? {} : { etag: result.revision }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/liquidity-loan-product',
      operationId: 'getLiquidityLoanProduct',
      summary: 'The loan product the coop lends its member coops liquidity on',
      tags,
      request: { params: CoopParams },
      responses: { 200: DesignationOut },
      policy: TREASURY_READ,
      ifMatch: true,
      handler: async ({ params }) => {
        const { state, revision } = await loadDesignation(ctx.store, params.coopId);
        if (!state.designation || revision === undefined)
          throw notFound(
            'liquidity_product_not_designated',
            'the coop has designated no loan product for liquidity loans',
          );
        const { productCode, termMonths, designatedOn } = state.designation;
        return {
          status: 200,
          body: { coopId: params.coopId, productCode, termMonths, designatedOn },
          etag: revision,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/liquidity-loan-requests',
      operationId: 'listLiquidityLoanRequests',
      summary: 'The liquidity loans settlement requested of the coop, answered or not',
      description:
        'One per settlement batch and member coop short of cover, oldest first. An unanswered request says why (no_liquidity_product, borrower_not_member, currency_not_lent, or the loan application’s own refusal such as principal_out_of_range or no_cooperation_agreement); designating the product, or applying by hand for the request, answers it. A request whose loan application was rejected is unanswered again (application_rejected, its loan shown rejected): only applying by hand answers it, with a new loan application.',
      tags,
      request: {
        params: CoopParams,
        query: z.strictObject({
          status: RequestStatus.optional(),
          batchId: SettlementBatchId.optional(),
          cursor: Cursor.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
      responses: {
        200: z.object({ requests: z.array(RequestOut), nextCursor: z.string().nullable() }),
      },
      policy: TREASURY_READ,
      handler: async ({ params, query }) => {
        const rows = await requests.list(params.coopId, {
          status: query.status ?? null,
          batchId: query.batchId ?? null,
          after: query.cursor === undefined ? 0 : Number(query.cursor),
          limit: query.limit,
        });
        return {
          status: 200,
          body: {
            requests: rows.map(requestView),
            nextCursor: rows.length === query.limit ? String(rows[rows.length - 1]!.seq) : null,
          },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/liquidity-loan-requests/{requestId}/application',
      operationId: 'applyForLiquidityLoan',
      summary: 'Apply by hand for a liquidity loan request, on a product and term you name',
      description:
        'For a request left unanswered: the loan application is made for the shortfall to the borrower coop’s membership, with the request’s id as its loan id (a new loan id when an earlier application was rejected), and waits for approval by another key. A request whose application stands is refused with 409 liquidity_loan_request_answered; a refusal of the application is kept on the request as its reason.',
      tags,
      request: { params: RequestParams, body: DesignationBody },
      responses: { 201: LoanOut },
      policy: TREASURY_WRITE,
      handler: async ({ params, body }, rc) => {
        const row = await requests.get(params.coopId, params.requestId);
        if (!row)
          throw notFound('liquidity_loan_request_not_found', 'no such liquidity loan request');
        if (row.answer === 'applied' && row.loan_id !== null)
          throw conflict(
            'liquidity_loan_request_answered',
            `the request was answered by loan ${row.loan_id}`,
            { loanId: row.loan_id },
          );
        const answer = await requests.answer(row.request_id, {
          appliedBy: rc.principal.keyId,
          metadata: rc.metadata,
          terms: body,
          afterRejection: true,
        });
        if (answer.status === 'unanswered')
          throw new DomainError(answer.reason, answer.detail, answer.kind);
        if (answer.alreadyApplied)
          throw conflict(
            'liquidity_loan_request_answered',
            `the request was answered by loan ${answer.loanId}`,
            { loanId: answer.loanId },
          );
        const { state, revision } = await ctx.loans.get(params.coopId, answer.loanId);
        return {
          status: 201,
          body: loanView(state, businessDateOf(ctx.clock)),
          etag: revision,
          location: `/api/loan/v1/coops/${params.coopId}/loans/${answer.loanId}`,
        };
      },
    }),
  ];
}
