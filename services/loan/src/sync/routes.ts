import {
  batchSequenceDecider,
  BatchResult,
  SyncStatusResponse,
  syncStatus,
} from '@kopfed/batch-sync';
import { loadAggregate } from '@kopfed/eventstore';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { LoanContext } from '../context';
import { businessDateOf, CoopParams, coopRead, coopWrite } from '../shared/http-schemas';
import { syncBatchStream } from '../shared/streams';
import { applySyncBatch } from './loan-sync';
import { SyncBatchBody } from './schemas';

export function syncRoutes(ctx: LoanContext): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/loan-sync-batches',
      operationId: 'syncLoans',
      summary: "Sync up to 1,000 loans, disbursements and repayments from a coop's own core",
      description:
        'Items carry the coop’s own ids (external ids), deduplicated for ever: a resent item is unchanged, a resent batch harmless. Sequence numbers are per coop; skipped numbers show as gaps in the sync status. Each item gets its own result.',
      tags: ['sync'],
      request: { params: CoopParams, body: SyncBatchBody },
      responses: { 200: BatchResult },
      policy: coopWrite,
      handler: async ({ params, body }, rc) => ({
        status: 200,
        body: await applySyncBatch(ctx, {
          coopId: params.coopId,
          sequence: body.sequence,
          items: body.items,
          actor: `sync:${rc.principal.keyId}`,
          metadata: rc.metadata,
          today: businessDateOf(ctx.clock),
        }),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/loan-sync-status',
      operationId: 'getLoanSyncStatus',
      summary: 'The loan sync batches received from a coop, and the gaps between them',
      tags: ['sync'],
      request: { params: CoopParams },
      responses: { 200: SyncStatusResponse },
      policy: coopRead,
      handler: async ({ params }) => {
        const { state } = await loadAggregate(
          ctx.store,
          syncBatchStream(params.coopId),
          batchSequenceDecider,
          (e) => e as never,
        );
        return { status: 200, body: syncStatus(state) };
      },
    }),
  ];
}
