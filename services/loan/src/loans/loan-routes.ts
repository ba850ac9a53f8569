import type { AuthenticatedContext } from '@kopfed/service-kit';
import type { LoanContext } from '../context';
import { businessDateOf } from '../shared/http-schemas';
import type { LoanCommand } from './loan-commands';
import { loanView } from './views';

/** Runs a command on a coop's loan for a route and answers with the loan, its ETag and status. */
export async function commandLoan(
  ctx: LoanContext,
  params: { coopId: string; loanId: string },
  rc: AuthenticatedContext,
  command: LoanCommand,
  businessDate?: string,
) {
  const result = await ctx.loans.execute(params.loanId, command, {
    metadata: rc.metadata,
    coopId: params.coopId,
    ...(rc.expectedRevision === undefined ? {} : { expectedRevision: rc.expectedRevision }),
    ...(businessDate ? { businessDate } : {}),
  });
  return {
    status: 200 as const,
    body: loanView(result.state, businessDateOf(ctx.clock)),
    ...(result.revision === undefined ? {} : { etag: result.revision }),
  };
}
