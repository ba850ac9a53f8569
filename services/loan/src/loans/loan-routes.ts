import type { AuthenticatedContext } from '@kopfed/service-kit';
import type { LoanContext } from '../context';
import { businessDateOf } from '../shared/http-schemas';
import type { LoanCommand } from './loan-commands';
import type { LoanCommandResult } from './loan-repository';
import { loanView } from './views';

/** Runs a command on a coop's loan for a route and answers with the loan, its ETag and status. */
export async function commandLoan(
  ctx: LoanContext,
  params: { coopId: string; loanId: string },
  rc: AuthenticatedContext,
  command: LoanCommand,
  businessDate?: string,
) {
  return loanResponse(ctx, await runLoanCommand(ctx, params, rc, command, businessDate));
}

/** Runs a command on a coop's loan for a route: the coop, If-Match and business date applied. */
export function runLoanCommand(
  ctx: LoanContext,
  params: { coopId: string; loanId: string },
  rc: AuthenticatedContext,
  command: LoanCommand,
  businessDate?: string,
): Promise<LoanCommandResult> {
  return ctx.loans.execute(params.loanId, command, {
    metadata: rc.metadata,
    coopId: params.coopId,
    ...(rc.expectedRevision === undefined ? {} : { expectedRevision: rc.expectedRevision }),
    ...(businessDate ? { businessDate } : {}),
  });
}

/** The loan as a route answers it, with its ETag. */
export function loanResponse(ctx: LoanContext, result: LoanCommandResult) {
  return {
    status: 200 as const,
    body: loanView(result.state, businessDateOf(ctx.clock)),
    ...(result.revision === undefined ? {} : { etag: result.revision }),
  };
}
