import { defineRoute, type Route } from '@kopfed/service-kit';
import type { LoanContext } from '../context';
import { businessDateOf, coopWrite, LoanParams, notAfterToday } from '../shared/http-schemas';
import { commandLoan } from './loan-routes';
import { RecoveryBody, RepayBody, RestructureBody, WriteOffBody } from './schemas';
import { LoanOut } from './views';

const tags = ['loans'];

export function servicingRoutes(ctx: LoanContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/repayments',
      operationId: 'repayLoan',
      summary:
        "Repay any amount, allocated by the product's order; an overpayment prepays principal",
      description:
        'Pays what is due (default order penalty, fee, interest, principal), then the interest accrued on the installment in progress, then prepays principal and recomputes the remaining installments. More than the payoff amount is refused (422, with the payoff amount). A payment dated on or before a business date already closed is allocated as of its date: the late fees, penalties and overdue marks it would have prevented are waived, and the kolektibilitas follows.',
      tags,
      request: { params: LoanParams, body: RepayBody },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) => {
        const paidOn = notAfterToday(body.paidOn, businessDateOf(ctx.clock), '/paidOn');
        return commandLoan(
          ctx,
          params,
          rc,
          {
            type: 'RepayLoan',
            amount: BigInt(body.amount.amount),
            paidOn,
            via: body.via,
            receivedBy: rc.principal.keyId,
            externalId: null,
          },
          paidOn,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/restructurings',
      operationId: 'restructureLoan',
      summary: 'Reschedule (new term) or restructure (new rate or method) an active loan',
      tags,
      request: { params: LoanParams, body: RestructureBody },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) => {
        const on = notAfterToday(body.restructuredOn, businessDateOf(ctx.clock), '/restructuredOn');
        return commandLoan(
          ctx,
          params,
          rc,
          {
            type: 'RestructureLoan',
            restructuredOn: on,
            installments: body.installments,
            graceMonths: body.graceMonths,
            method: body.method ?? null,
            annualRatePercent: body.annualRatePercent ?? null,
            fee: BigInt(body.fee?.amount ?? '0'),
            restructuredBy: rc.principal.keyId,
          },
          on,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/write-off',
      operationId: 'writeOffLoan',
      summary: 'Write off a Diragukan or Macet loan against its allowance',
      tags,
      request: { params: LoanParams, body: WriteOffBody },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) => {
        const on = notAfterToday(body.writtenOffOn, businessDateOf(ctx.clock), '/writtenOffOn');
        return commandLoan(
          ctx,
          params,
          rc,
          {
            type: 'WriteOffLoan',
            writtenOffOn: on,
            writtenOffBy: rc.principal.keyId,
            reason: body.reason,
          },
          on,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loans/{loanId}/recoveries',
      operationId: 'recordLoanRecovery',
      summary: 'Record money recovered on a written-off loan',
      tags,
      request: { params: LoanParams, body: RecoveryBody },
      responses: { 200: LoanOut },
      policy: coopWrite,
      ifMatch: true,
      handler: async ({ params, body }, rc) => {
        const on = notAfterToday(body.recoveredOn, businessDateOf(ctx.clock), '/recoveredOn');
        return commandLoan(
          ctx,
          params,
          rc,
          {
            type: 'RecordRecovery',
            amount: BigInt(body.amount.amount),
            recoveredOn: on,
            via: body.via,
            recordedBy: rc.principal.keyId,
          },
          on,
        );
      },
    }),
  ];
}
