import { defineRoute, type Route } from '@kopfed/service-kit';
import { z } from 'zod';
import type { LoanContext } from '../context';
import { Day } from '../shared/http-schemas';

export const CloseOfBusinessOut = z.object({
  businessDate: z.string(),
  loansExamined: z.int(),
  loansChanged: z.int(),
  events: z.record(z.string(), z.int()),
  interestAccrued: z.string(),
  penaltiesCharged: z.string(),
  provisionAdded: z.string(),
  provisionReleased: z.string(),
  alreadyClosed: z.boolean(),
});

export function closeOfBusinessRoutes(ctx: LoanContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/close-of-business',
      operationId: 'closeLoanBusinessDay',
      summary:
        'Close a business date: accrue, age arrears, reclassify, provision, charge penalties',
      description:
        'Idempotent per business date: a date already closed answers its recorded summary. The node runs it nightly just after midnight Asia/Jakarta for the date that has just ended. Only a date that has ended is closed: today or a later date is refused with 422 business_date_not_over (interest and ageing would be computed for a day still running), and a date before the last one closed with 409 close_of_business_out_of_order.',
      tags: ['close of business'],
      request: { body: z.strictObject({ businessDate: Day }) },
      responses: { 200: CloseOfBusinessOut },
      policy: { roles: ['admin'], coopScope: 'federation' },
      handler: async ({ body }) => ({
        status: 200,
        body: await ctx.closeOfBusiness.run(body.businessDate),
      }),
    }),
  ];
}
