import { rejected } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { z } from 'zod';
import type { LoanContext } from '../context';
import { businessDateOf, Day } from '../shared/http-schemas';

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
        'Idempotent per business date: a date already closed answers its recorded summary. The node runs it nightly at midnight Asia/Jakarta; a date before the last one closed, or after today, is refused.',
      tags: ['close of business'],
      request: { body: z.strictObject({ businessDate: Day }) },
      responses: { 200: CloseOfBusinessOut },
      policy: { roles: ['admin'], coopScope: 'federation' },
      handler: async ({ body }) => {
        const today = businessDateOf(ctx.clock);
        if (body.businessDate > today)
          throw rejected(
            'business_date_in_future',
            `${body.businessDate} has not ended yet; today is ${today}`,
            '/businessDate',
          );
        return { status: 200, body: await ctx.closeOfBusiness.run(body.businessDate) };
      },
    }),
  ];
}
