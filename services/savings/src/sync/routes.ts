import { BatchResult, SyncStatusResponse } from '@kopfed/batch-sync';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { READ, WRITE } from '../shared/policies';
import { CoopParams } from '../shared/schemas';
import { SyncBatch } from './sync-items';
import type { SyncService } from './sync-service';

/** Bulk sync of savings transactions from a primary coop's own core. */
export function syncRoutes(sync: SyncService): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/sync/transactions',
      operationId: 'syncSavingsTransactions',
      summary:
        'A numbered batch of up to 1,000 savings transactions with external ids; per-item results',
      tags: ['sync'],
      request: { params: CoopParams, body: SyncBatch },
      responses: { 200: BatchResult.meta({ id: 'SavingsSyncBatchResult' }) },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => ({
        status: 200,
        body: await sync.receive(params.coopId, body.sequence, body.items, ctx.metadata),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/coops/{coopId}/sync/transactions',
      operationId: 'getSavingsSyncStatus',
      summary: 'Which batch numbers arrived, and the gaps',
      tags: ['sync'],
      request: { params: CoopParams },
      responses: { 200: SyncStatusResponse.meta({ id: 'SavingsSyncStatus' }) },
      policy: READ,
      handler: async ({ params }) => ({ status: 200, body: await sync.status(params.coopId) }),
    }),
  ];
}
