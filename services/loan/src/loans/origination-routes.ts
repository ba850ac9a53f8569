import { defineRoute, type Route } from '@kopfed/service-kit';
import { v7 as uuidv7 } from 'uuid';
import type { LoanContext } from '../context';
import { loadProduct } from '../products/routes';
import {
  businessDateOf,
  CoopParams,
  coopWrite,
  LoanParams,
  notAfterToday,
} from '../shared/http-schemas';
import { commandLoan, loanResponse, runLoanCommand } from './loan-routes';
import { ApplyBody, DisburseBody, HoldBody, RejectBody } from './schemas';
import { LoanOut, loanView } from './views';

const tags = ['loans'];

export function originationRoutes(ctx: LoanContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans',
      operationId: 'applyForLoan',
      summary: 'Apply for a loan for a member, under a product of the coop',
      description:
        'Who may borrow: a person member of a primary coop, or a member coop of a secondary under a cooperation agreement in force. The loan must keep within the product and the rate cap.',
      tags,
      request: { params: CoopParams, body: ApplyBody },
      responses: { 201: LoanOut },
      policy: coopWrite,
      handler: async ({ params, body }, rc) => {
        const today = businessDateOf(ctx.clock);
        const loanId = uuidv7();
        const product = await loadProduct(ctx, params.coopId, body.productCode);
        const result = await ctx.loans.execute(
          loanId,
          {
            type: 'ApplyForLoan',
            loanId,
            coopId: params.coopId,
            memberId: body.memberId,
            productCode: body.productCode,
            product: product.state,
            facts: ctx.parties.factsFor(params.coopId, body.memberId, today),
            principal: BigInt(body.principal.amount),
            termMonths: body.termMonths,
            graceMonths: body.graceMonths,
            collateralSavingsAccountId: body.collateral?.savingsAccountId ?? null,
            appliedOn: today,
            appliedBy: rc.principal.keyId,
            externalId: null,
          },
          { metadata: rc.metadata },
        );
        return {
          status: 201,
          body: loanView(result.state, today),
          ...(result.revision === undefined ? {} : { etag: result.revision }),
          location: `/api/loan/v1/coops/${params.coopId}/loans/${loanId}`,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/approval',
      operationId: 'approveLoan',
      summary: 'Approve a loan application (maker-checker: not by the key that applied)',
      tags,
      request: { params: LoanParams },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params }, rc) =>
        commandLoan(ctx, params, rc, {
          type: 'ApproveLoan',
          approvedBy: rc.principal.keyId,
          approvedOn: businessDateOf(ctx.clock),
        }),
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/rejection',
      operationId: 'rejectLoan',
      summary: 'Reject a loan application that is not yet disbursed',
      tags,
      request: { params: LoanParams, body: RejectBody },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) =>
        commandLoan(ctx, params, rc, {
          type: 'RejectLoan',
          rejectedBy: rc.principal.keyId,
          rejectedOn: businessDateOf(ctx.clock),
          reason: body.reason,
        }),
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/collateral-holds',
      operationId: 'recordLoanCollateralHold',
      summary: 'Record the savings hold that secures the loan, as the savings service placed it',
      tags,
      request: { params: LoanParams, body: HoldBody },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) =>
        commandLoan(ctx, params, rc, {
          type: 'RecordCollateralHold',
          holdId: body.holdId,
          savingsAccountId: body.savingsAccountId,
          amount: BigInt(body.amount.amount),
          placedOn: notAfterToday(body.placedOn, businessDateOf(ctx.clock), '/placedOn'),
        }),
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/disbursement',
      operationId: 'disburseLoan',
      summary: 'Disburse an approved loan; the schedule runs from the disbursement date',
      description:
        'Emits LoanDisbursed naming where the payout went; for a savings account the savings service credits it when it consumes the event. A payout that would take the outstanding principal of the whole loan book (every coop on the node) past 18 digits is refused with 422 loan_book_limit_exceeded.',
      tags,
      request: { params: LoanParams, body: DisburseBody },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) => {
        const disbursedOn = notAfterToday(
          body.disbursedOn,
          businessDateOf(ctx.clock),
          '/disbursedOn',
        );
        const { state } = await ctx.loans.get(params.coopId, params.loanId);
        const facts = ctx.parties.factsFor(params.coopId, state.memberId, disbursedOn);
        const result = await ctx.bookLimit.disburse(params.loanId, (bookOutstandingPrincipal) =>
          runLoanCommand(
            ctx,
            params,
            rc,
            {
              type: 'DisburseLoan',
              disbursedOn,
              via: body.via,
              disbursedBy: rc.principal.keyId,
              externalId: null,
              facts,
              bookOutstandingPrincipal,
            },
            disbursedOn,
          ),
        );
        return loanResponse(ctx, result);
      },
    }),
  ];
}
