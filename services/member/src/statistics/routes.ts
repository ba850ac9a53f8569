import { z } from 'zod';
import { CoopId, IsoDate, memberHttp } from '@kopfed/contracts';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { caughtUp, type MemberContext } from '../context';
import { publicCoopDirectory, statistics } from './statistics';

export function statisticsRoutes(ctx: MemberContext): Route[] {
  const asOf = (date?: string) => date ?? ctx.clock().toISOString().slice(0, 10);
  return [
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/statistics',
      operationId: 'coopStatistics',
      summary:
        'Counts for a coop and every coop below it: coops, members by province, gender and age band, RAT compliance',
      request: {
        params: z.strictObject({ coopId: CoopId }),
        query: z.strictObject({ asOf: IsoDate.optional() }),
      },
      responses: { 200: memberHttp.Statistics },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      handler: async ({ params, query }) => {
        await caughtUp(ctx);
        return { status: 200, body: statistics(ctx.db, params.coopId, asOf(query.asOf)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/public/statistics',
      operationId: 'publicStatistics',
      summary:
        'The federation’s aggregate counts, for the public transparency page (no personal data)',
      request: { query: z.strictObject({ asOf: IsoDate.optional() }) },
      responses: { 200: memberHttp.Statistics },
      policy: 'public',
      handler: async ({ query }) => {
        await caughtUp(ctx);
        return { status: 200, body: statistics(ctx.db, null, asOf(query.asOf)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/public/coops',
      operationId: 'publicCoopDirectory',
      summary:
        'The directory of the federation’s coops for the transparency page: name, province, legal-entity number, RAT standing (no personal data)',
      request: {
        query: z.strictObject({
          asOf: IsoDate.optional(),
          limit: z.coerce.number().int().min(1).max(1_000).default(500),
          cursor: CoopId.optional().describe('the last coop id of the previous page'),
        }),
      },
      responses: { 200: memberHttp.PublicCoopDirectory },
      policy: 'public',
      handler: async ({ query }) => {
        await caughtUp(ctx);
        return {
          status: 200,
          body: publicCoopDirectory(ctx.db, asOf(query.asOf), query.limit, query.cursor),
        };
      },
    }),
  ];
}
