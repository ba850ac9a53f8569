import { z } from 'zod';
import { notFound, rejected } from '@kopfed/domain';
import { jakartaBusinessDate } from '@kopfed/eventstore';
import { defineRoute, type AuthenticatedContext, type Route } from '@kopfed/service-kit';
import { requireReach } from '../shared/access';
import { BatchId, CoopId, Cursor, IsoDate, Limit, Reason, Reference } from '../shared/schemas';
import type { BatchCommand } from './batch-events';
import { BATCH_STATUSES } from './batch-events';
import { BatchList, BatchOut, PositionsOut } from './batch-schemas';
import type { BatchService } from './batch-service';
import type { BatchView } from './batch-view';

const Params = z.strictObject({ batchId: BatchId });
const TREASURY = ['treasurer', 'admin'] as const;
const READERS = ['treasurer', 'auditor', 'admin'] as const;
type Lifecycle = Exclude<BatchCommand, { type: 'CloseBatch' }>;

/** The batch as one member coop may see it: its own instructions, reservation and settlement. */
function coopPart(view: BatchView, coopId: string): BatchView {
  const own = <T extends { coopId: string }>(items: readonly T[]) =>
    items.filter((i) => i.coopId === coopId);
  return {
    ...view,
    instructions: own(view.instructions),
    reservations: own(view.reservations),
    settlements: own(view.settlements),
  };
}

function reached(ctx: AuthenticatedContext, batches: BatchService, batchId: string): BatchView {
  const view = batches.view(batchId);
  if (!view || !ctx.reaches(view.parentCoopId))
    throw notFound('batch-not-found', `No settlement batch ${batchId}.`);
  return view;
}

function step(
  batches: BatchService,
  path: string,
  operationId: string,
  summary: string,
  command: (now: string) => Lifecycle,
): Route {
  return defineRoute({
    method: 'POST',
    path: `/settlement-batches/{batchId}/${path}`,
    operationId,
    summary,
    tags: ['settlement batches'],
    request: { params: Params },
    responses: { 200: BatchOut },
    policy: { roles: TREASURY, coopScope: 'federation' },
    handler: async ({ params }, ctx) => {
      reached(ctx, batches, params.batchId);
      return { status: 200, body: await batches.run(params.batchId, command, ctx.metadata) };
    },
  });
}

export function batchRoutes(batches: BatchService, clock: () => Date): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/settlement-batches',
      operationId: 'listSettlementBatches',
      summary: 'Settlement batches, open ones first, then by batch id',
      tags: ['settlement batches'],
      request: {
        query: z.strictObject({
          status: z.enum(BATCH_STATUSES).optional(),
          cursor: Cursor.optional(),
          limit: Limit,
        }),
      },
      responses: { 200: BatchList },
      policy: { roles: READERS, coopScope: 'federation' },
      handler: async ({ query }, ctx) => {
        const page = batches.list(query.status, query.cursor, query.limit);
        return {
          status: 200,
          body: { items: page.items.filter((b) => ctx.reaches(b.parentCoopId)), next: page.next },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/settlement-batches/{batchId}',
      operationId: 'getSettlementBatch',
      summary: 'A settlement batch and its settlement so far',
      tags: ['settlement batches'],
      request: { params: Params },
      responses: { 200: BatchOut },
      policy: { roles: READERS, coopScope: 'federation' },
      handler: async ({ params }, ctx) => ({
        status: 200,
        body: reached(ctx, batches, params.batchId),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/settlement-batches/{batchId}/positions',
      operationId: 'getSettlementBatchPositions',
      summary: 'Per coop debits, credits and net (nets sum to zero), and the bilateral matrix',
      tags: ['settlement batches'],
      request: { params: Params },
      responses: { 200: PositionsOut },
      policy: { roles: READERS, coopScope: 'federation' },
      handler: async ({ params }, ctx) => {
        reached(ctx, batches, params.batchId);
        return { status: 200, body: batches.positions(params.batchId)! };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/settlement-batches/{batchId}/close',
      operationId: 'closeSettlementBatch',
      summary: 'Close a batch: it takes no more transfers, and its positions are final',
      tags: ['settlement batches'],
      request: { params: Params },
      responses: { 200: BatchOut },
      policy: { roles: TREASURY, coopScope: 'federation' },
      handler: async ({ params }, ctx) => {
        reached(ctx, batches, params.batchId);
        return { status: 200, body: await batches.close(params.batchId, ctx.metadata) };
      },
    }),
    step(
      batches,
      'record-settlement',
      'recordSettlement',
      'Record the settlement instructions of a closed batch',
      (now) => ({ type: 'RecordSettlement', now }),
    ),
    step(
      batches,
      'reserve',
      'reserveSettlement',
      "Reserve the paying coops' settlement against their cover",
      (now) => ({
        type: 'ReserveSettlement',
        liquidity: new Map(),
        now,
      }),
    ),
    step(
      batches,
      'commit',
      'commitSettlement',
      'Commit the settlement; shortfalls become liquidity loans',
      (now) => ({ type: 'CommitSettlement', now }),
    ),
    defineRoute({
      method: 'POST',
      path: '/settlement-batches/{batchId}/settlements',
      operationId: 'confirmCoopSettlement',
      summary: "Confirm one coop's settlement with the bank's reference (partial settlement)",
      tags: ['settlement batches'],
      request: {
        params: Params,
        body: z.strictObject({
          coopId: CoopId,
          bankReference: Reference,
          settledOn: IsoDate.optional().describe('the bank value date; today when absent'),
        }),
      },
      responses: { 200: BatchOut },
      policy: { roles: TREASURY, coopScope: 'federation' },
      handler: async ({ params, body }, ctx) => {
        const view = reached(ctx, batches, params.batchId);
        const today = jakartaBusinessDate(clock());
        const settledOn = body.settledOn ?? today;
        if (settledOn > today)
          throw rejected(
            'settled-on-future',
            `${settledOn} is after today (${today}).`,
            '/settledOn',
          );
        // No bank can have settled a batch before it was closed: its instructions came after.
        const closedOn =
          view.closedAt === null ? null : jakartaBusinessDate(new Date(view.closedAt));
        if (closedOn !== null && settledOn < closedOn)
          throw rejected(
            'settled-on-before-batch',
            `${settledOn} is before ${closedOn}, the day batch ${params.batchId} was closed.`,
            '/settledOn',
          );
        const { coopId, bankReference } = body;
        return {
          status: 200,
          body: await batches.run(
            params.batchId,
            (now) => ({ type: 'ConfirmCoopSettlement', coopId, bankReference, settledOn, now }),
            ctx.metadata,
          ),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/settlement-batches/{batchId}/abort',
      operationId: 'abortSettlement',
      summary: 'Abandon a settlement before it is committed; the batch goes back to closed',
      tags: ['settlement batches'],
      request: { params: Params, body: z.strictObject({ reason: Reason }) },
      responses: { 200: BatchOut },
      policy: { roles: TREASURY, coopScope: 'federation' },
      handler: async ({ params, body }, ctx) => {
        reached(ctx, batches, params.batchId);
        return {
          status: 200,
          body: await batches.run(
            params.batchId,
            (now) => ({ type: 'AbortSettlement', reason: body.reason, now }),
            ctx.metadata,
          ),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/settlement-batches/{batchId}/disputes',
      operationId: 'disputeSettlementBatch',
      summary: "Dispute a batch's positions: it waits until the dispute is resolved",
      tags: ['settlement batches'],
      request: { params: Params, body: z.strictObject({ coopId: CoopId, reason: Reason }) },
      responses: { 200: BatchOut },
      policy: { roles: ['coop', 'treasurer', 'admin'], coopScope: 'federation' },
      handler: async ({ params, body }, ctx) => {
        requireReach(ctx, body.coopId, '/coopId');
        if (!batches.view(params.batchId)?.parentCoopId)
          throw notFound('batch-not-found', `No settlement batch ${params.batchId}.`);
        const { coopId, reason } = body;
        const view = await batches.run(
          params.batchId,
          (now) => ({ type: 'DisputeBatch', coopId, reason, now }),
          ctx.metadata,
        );
        // A member coop is answered with its own part: the batch is its parent's to read.
        return {
          status: 200,
          body: ctx.reaches(view.parentCoopId) ? view : coopPart(view, coopId),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/settlement-batches/{batchId}/disputes/resolve',
      operationId: 'resolveSettlementDispute',
      summary: 'Resolve the dispute; the batch goes on from where it stood',
      tags: ['settlement batches'],
      request: { params: Params, body: z.strictObject({ resolution: Reason }) },
      responses: { 200: BatchOut },
      policy: { roles: TREASURY, coopScope: 'federation' },
      handler: async ({ params, body }, ctx) => {
        reached(ctx, batches, params.batchId);
        return {
          status: 200,
          body: await batches.run(
            params.batchId,
            (now) => ({ type: 'ResolveDispute', resolution: body.resolution, now }),
            ctx.metadata,
          ),
        };
      },
    }),
  ];
}
