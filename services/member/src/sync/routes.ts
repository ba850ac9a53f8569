import { z } from 'zod';
import { BatchResult, SyncStatusResponse } from '@kopfed/batch-sync';
import { CoopId, memberHttp } from '@kopfed/contracts';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { MemberContext } from '../context';
import { memberSyncStatus, syncMemberBatch } from './member-batches';

const CoopParams = z.strictObject({ coopId: CoopId });

export function syncRoutes(ctx: MemberContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/member-batches',
      operationId: 'syncMemberBatch',
      summary:
        'Upsert up to 1,000 members from a primary coop’s own system, with a per-coop batch sequence number',
      description:
        'Each item is an upsert keyed by the coop’s external id, for ever: resending a batch changes nothing. Items are checked one by one; a bad item is rejected with its problem and the others go through. A sequence number that skips ahead is accepted and the gap is reported by sync-status. A coop’s batches are applied one at a time: a batch sent while another of the same coop is applied waits for it, and after 20 seconds is answered 409 member_batch_in_progress with Retry-After, to be sent again (with the same Idempotency-Key: that answer is not kept for it). A batch that lost its coop’s lease while applied (another took it over) records neither its answers nor its sequence, and is answered the same. A batch with a member whose other write (a change through the member routes, an erasure of its person) held it over 10 seconds records nothing and is answered 409 member_busy with Retry-After, to be sent again the same way.',
      request: { params: CoopParams, body: memberHttp.MemberBatchRequest },
      responses: { 200: BatchResult },
      policy: { roles: ['coop', 'admin'], coopScope: { pathParam: 'coopId' } },
      handler: async ({ params, body }, rctx) => ({
        status: 200,
        body: await syncMemberBatch(
          ctx,
          params.coopId,
          body,
          { ...rctx.metadata, coopId: params.coopId },
          rctx.logger,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/sync-status',
      operationId: 'memberSyncStatus',
      summary: 'The last member batch received and the sequence numbers still missing',
      request: { params: CoopParams },
      responses: { 200: SyncStatusResponse },
      policy: {
        roles: ['coop', 'treasurer', 'auditor', 'admin'],
        coopScope: { pathParam: 'coopId' },
      },
      handler: async ({ params }) => ({
        status: 200,
        body: await memberSyncStatus(ctx, params.coopId),
      }),
    }),
  ];
}
