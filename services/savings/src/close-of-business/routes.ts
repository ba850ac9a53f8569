import { z } from 'zod';
import { notFound } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { BusinessDate } from '../shared/schemas';
import type { CloseOfBusiness } from './close-of-business';

const Summary = z
  .object({
    businessDate: z.string(),
    accountsVisited: z.int(),
    events: z.record(z.string(), z.int()),
    transfersCompleted: z.int(),
    durationMs: z.int(),
    alreadyClosed: z.boolean(),
  })
  .meta({ id: 'CloseOfBusinessSummary' });

/** Close of business is the node operator's: it runs for every coop at once. */
export function closeOfBusinessRoutes(cob: CloseOfBusiness): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/close-of-business',
      operationId: 'closeSavingsBusinessDay',
      summary:
        'Close a business date: accrue and post interest, release expired holds, mature deposits, mark wajib arrears',
      description:
        'Idempotent per date: a date already closed returns its summary and changes nothing.',
      tags: ['close of business'],
      request: {
        body: z
          .strictObject({ businessDate: BusinessDate })
          .meta({ id: 'CloseSavingsBusinessDay' }),
      },
      responses: { 200: Summary },
      policy: { roles: ['admin'], coopScope: 'federation' },
      handler: async ({ body }) => ({ status: 200, body: await cob.run(body.businessDate) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/close-of-business/{businessDate}',
      operationId: 'getSavingsCloseOfBusiness',
      summary: 'What close of business did on a date',
      tags: ['close of business'],
      request: { params: z.strictObject({ businessDate: BusinessDate }) },
      responses: { 200: Summary },
      policy: { roles: ['admin', 'auditor'], coopScope: 'federation' },
      handler: async ({ params }) => {
        const summary = await cob.recorded(params.businessDate);
        if (!summary)
          throw notFound('not-closed', `Business date ${params.businessDate} has not been closed.`);
        return { status: 200, body: summary };
      },
    }),
  ];
}
