import { z } from 'zod';
import { conflict, notFound } from '@kopfed/domain';
import { defineRoute, type AuthenticatedContext, type Route } from '@kopfed/service-kit';
import { requireReach } from '../shared/access';
import { GroupId, TransferId } from '../shared/schemas';
import type { TransferService } from './engine/transfer-service';
import type { TransferRecord } from './model';
import {
  GroupBody,
  GroupOut,
  groupOut,
  GroupSubmittedOut,
  groupSubmittedOut,
  PostBody,
  TransferBody,
  TransferOut,
  toRequest,
  transferOut,
} from './transfer-schemas';
import type { TransferView } from './transfer-view';

const WRITERS = ['coop', 'treasurer', 'admin'] as const;
const READERS = ['coop', 'treasurer', 'auditor', 'admin'] as const;
const TransferParams = z.strictObject({ transferId: TransferId });

/** The payer's own credential or its parent's treasurer may move its money. */
const seen = (
  ctx: AuthenticatedContext,
  view: TransferView | undefined,
  transferId: string,
): TransferView => {
  if (!view || !(ctx.reaches(view.record.fromCoopId) || ctx.reaches(view.record.toCoopId))) {
    throw notFound('transfer-not-found', `No transfer ${transferId}.`);
  }
  return view;
};

/** The payment a transfer belongs to, if any: only that payment posts or voids it. */
export type PaymentOfTransfer = (transfer: TransferRecord) => Promise<string | undefined>;

async function requireNotOfPayment(
  paymentOf: PaymentOfTransfer,
  view: TransferView,
): Promise<void> {
  const paymentId = await paymentOf(view.record);
  if (paymentId !== undefined) {
    throw conflict(
      'transfer-of-payment',
      `Transfer ${view.record.transferId} belongs to payment ${paymentId}, which posts or voids it.`,
      { paymentId },
    );
  }
}

export function transferRoutes(transfers: TransferService, paymentOf: PaymentOfTransfer): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/transfers',
      operationId: 'createTransfer',
      summary: 'Send an inter-coop transfer, posted at once or reserved (pending)',
      tags: ['transfers'],
      request: { body: TransferBody },
      responses: { 200: TransferOut, 201: TransferOut },
      policy: { roles: WRITERS, coopScope: 'federation' },
      handler: async ({ body }, ctx) => {
        requireReach(ctx, body.fromCoopId, '/fromCoopId');
        const { value, created } = await transfers.create(toRequest(body), ctx.metadata);
        const location = `/api/settlement/v1/transfers/${value.record.transferId}`;
        return created
          ? { status: 201, body: transferOut(value), location }
          : { status: 200, body: transferOut(value) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/transfer-groups',
      operationId: 'submitTransferGroup',
      summary: 'Send several transfers as one atomic group: all are made, or none',
      tags: ['transfers'],
      request: { body: GroupBody },
      responses: { 200: GroupSubmittedOut, 201: GroupSubmittedOut },
      policy: { roles: WRITERS, coopScope: 'federation' },
      handler: async ({ body }, ctx) => {
        body.transfers.forEach((t, i) =>
          requireReach(ctx, t.fromCoopId, `/transfers/${i}/fromCoopId`),
        );
        const { value, created } = await transfers.submitGroup(
          body.groupId,
          body.transfers.map(toRequest),
          ctx.metadata,
        );
        return { status: created ? 201 : 200, body: groupSubmittedOut(value) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/transfer-groups/{groupId}',
      operationId: 'getTransferGroup',
      summary: 'A transfer group and the state of each of its transfers',
      tags: ['transfers'],
      request: { params: z.strictObject({ groupId: GroupId }) },
      responses: { 200: GroupOut },
      policy: { roles: READERS, coopScope: 'federation' },
      handler: async ({ params }, ctx) => {
        const group = await transfers.group(params.groupId);
        // A coop sees the legs it pays or receives, not the other coops' legs beside them.
        const visible = (group?.transfers ?? []).filter(
          (t) => ctx.reaches(t.record.fromCoopId) || ctx.reaches(t.record.toCoopId),
        );
        if (!group || visible.length === 0) {
          throw notFound('group-not-found', `No transfer group ${params.groupId}.`);
        }
        return { status: 200, body: groupOut({ ...group, transfers: visible }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/transfers/{transferId}',
      operationId: 'getTransfer',
      summary: 'An inter-coop transfer',
      tags: ['transfers'],
      request: { params: TransferParams },
      responses: { 200: TransferOut },
      policy: { roles: READERS, coopScope: 'federation' },
      handler: async ({ params }, ctx) => ({
        status: 200,
        body: transferOut(seen(ctx, await transfers.get(params.transferId), params.transferId)),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/transfers/{transferId}/post',
      operationId: 'postTransfer',
      summary: 'Post a pending transfer, in full or a smaller amount',
      tags: ['transfers'],
      request: { params: TransferParams, body: PostBody },
      responses: { 200: TransferOut },
      policy: { roles: WRITERS, coopScope: 'federation' },
      handler: async ({ params, body }, ctx) => {
        const view = seen(ctx, await transfers.get(params.transferId), params.transferId);
        requireReach(ctx, view.record.fromCoopId, '/transferId');
        await requireNotOfPayment(paymentOf, view);
        const amount = body?.amount
          ? { amount: body.amount.amount, currency: body.amount.currency }
          : undefined;
        return {
          status: 200,
          body: transferOut(await transfers.post(params.transferId, amount, ctx.metadata)),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/transfers/{transferId}/void',
      operationId: 'voidTransfer',
      summary: 'Void a pending transfer, releasing what it reserved',
      tags: ['transfers'],
      request: { params: TransferParams },
      responses: { 200: TransferOut },
      policy: { roles: WRITERS, coopScope: 'federation' },
      handler: async ({ params }, ctx) => {
        const view = seen(ctx, await transfers.get(params.transferId), params.transferId);
        requireReach(ctx, view.record.fromCoopId, '/transferId');
        await requireNotOfPayment(paymentOf, view);
        return {
          status: 200,
          body: transferOut(await transfers.void(params.transferId, ctx.metadata)),
        };
      },
    }),
  ];
}
