import { z } from 'zod';
import { rejected } from '@kopfed/domain';
import { jakartaBusinessDate } from '@kopfed/eventstore';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { CloseOfBusinessResult } from './close-of-business';
import { IsoDate } from './shared/schemas';

const ResultOut = z.object({
  businessDate: z.string(),
  expiredTransfers: z.int(),
  closedBatches: z.array(z.string()),
  unpostedRetried: z.int(),
});

export function closeOfBusinessRoutes(
  run: (businessDate: string) => Promise<CloseOfBusinessResult>,
  clock: () => Date = () => new Date(),
): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/close-of-business',
      operationId: 'runSettlementCloseOfBusiness',
      summary:
        'Close of business for a date that has ended: expire pending transfers, close ended batches (idempotent per date)',
      tags: ['operations'],
      request: { body: z.strictObject({ businessDate: IsoDate }) },
      responses: { 200: ResultOut },
      policy: { roles: ['admin'], coopScope: 'federation' },
      handler: async ({ body }) => {
        if (body.businessDate >= jakartaBusinessDate(clock())) {
          throw rejected(
            'business-date-not-over',
            `${body.businessDate} has not ended yet.`,
            '/businessDate',
          );
        }
        return { status: 200, body: await run(body.businessDate) };
      },
    }),
  ];
}
