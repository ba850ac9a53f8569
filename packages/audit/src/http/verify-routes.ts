import { notFound } from '@kopfed/domain';
import { defineRoute, type Route } from '@kopfed/service-kit';
import {
  CHECKPOINT_EXPORT_FORMAT,
  CheckpointExport,
  exportStoreCheckpoints,
} from '../checkpoints/checkpoint-export';
import { withoutPaths, type AuditContext } from './audit-context';
import { CheckpointsQuery, VerifyResponse } from './schemas';

const AUDITORS = { roles: ['auditor', 'admin'], coopScope: 'federation' } as const;

export function verifyRoutes(ctx: AuditContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/verify',
      operationId: 'verifyStores',
      summary:
        'Verify every store of the node: seals, positions, revisions, Merkle roots, signatures',
      description:
        'Runs `kopfed audit verify` over the node’s data directory and returns its result. A damaged store is a result (intact: false, with the first altered, removed, inserted or reordered event), never an error.',
      responses: { 200: VerifyResponse },
      policy: AUDITORS,
      handler: async () => {
        const verifiedAt = ctx.clock().toISOString();
        try {
          const result = await ctx.verify();
          return {
            status: 200,
            body: { intact: result.intact, verifiedAt, stores: withoutPaths(result), error: null },
          };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const none: ReturnType<typeof withoutPaths> = [];
          return { status: 200, body: { intact: false, verifiedAt, stores: none, error: message } };
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/checkpoints',
      operationId: 'exportCheckpoints',
      summary: 'Export signed checkpoints with their countersignatures',
      description:
        'The checkpoints of every store (or of `store`, 404 when the node has no such store), from `fromSequence`, as the JSON an auditor keeps and later gives to `kopfed audit verify --trusted`.',
      request: { query: CheckpointsQuery },
      responses: { 200: CheckpointExport },
      policy: AUDITORS,
      handler: async ({ query }) => {
        // An empty export, kept as the auditor's anchor, would hold the node to nothing.
        if (query.store !== undefined && !ctx.stores.has(query.store))
          throw notFound('store_not_found', `this node has no store ${query.store}`);
        const records = await ctx.audit.records();
        const names = [...ctx.stores.keys()]
          .filter((name) => query.store === undefined || name === query.store)
          .sort();
        return {
          status: 200,
          body: {
            format: CHECKPOINT_EXPORT_FORMAT,
            exportedAt: ctx.clock().toISOString(),
            stores: names.map((store) => ({
              store,
              checkpoints: exportStoreCheckpoints(
                store,
                ctx.stores.get(store)!.database,
                records,
                query.fromSequence,
                query.limit,
              ),
            })),
          },
        };
      },
    }),
  ];
}
