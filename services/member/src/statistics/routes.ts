import { z } from 'zod';
import { CoopId, IsoDate, memberHttp } from '@kopfed/contracts';
import { notFound, rejected } from '@kopfed/domain';
import { jakartaBusinessDate } from '@kopfed/eventstore';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { caughtUp, type MemberContext } from '../context';
import { findCoop } from '../coops/coop-projection';
import { publicCoopDirectory, statistics, UNKNOWN_BUCKET, type OpenBucket } from './statistics';

export function statisticsRoutes(ctx: MemberContext): Route[] {
  /** The business date counted: today in Jakarta unless asked; a day not yet begun is unknown. */
  const asOf = (date?: string) => {
    const today = jakartaBusinessDate(ctx.clock());
    if (date !== undefined && date > today)
      throw rejected(
        'as_of_in_future',
        `counts are known up to today (${today} in Jakarta), not for ${date}`,
        '/asOf',
      );
    return date ?? today;
  };
  const openBucket: OpenBucket = (personId, sealed) => {
    const data = ctx.vault.openTrusted(personId, sealed);
    if (data === 'erased') return UNKNOWN_BUCKET;
    return {
      province: data.address.province,
      gender: data.gender,
      birthYear: Number(data.birthDate.slice(0, 4)),
    };
  };
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
        const date = asOf(query.asOf);
        await caughtUp(ctx);
        if (!findCoop(ctx.db, params.coopId)) throw notFound('coop_not_found', 'no such coop');
        return { status: 200, body: statistics(ctx.db, params.coopId, date, openBucket) };
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
        const date = asOf(query.asOf);
        await caughtUp(ctx);
        return { status: 200, body: statistics(ctx.db, null, date, openBucket) };
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
        const date = asOf(query.asOf);
        await caughtUp(ctx);
        return {
          status: 200,
          body: publicCoopDirectory(ctx.db, date, query.limit, query.cursor),
        };
      },
    }),
  ];
}
