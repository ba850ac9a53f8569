import { z } from 'zod';
import { defineRoute, type Route } from '@kopfed/service-kit';
import { rupiah } from '../shared/money';
import { WRITE } from '../shared/policies';
import { AccountParams, Amount, EntityId, Funds, Instant, Text } from '../shared/schemas';
import type { Accounts } from './account-context';
import type { AccountService } from './account-service';
import { AccountView } from './account-view';
import { actorOf, viewOf } from './respond';

const HoldParams = AccountParams.extend({ holdId: EntityId });

/** Holds: what loans (savings-secured) and inter-coop payments (settlement) use. */
export function holdRoutes(accounts: Accounts, service: AccountService): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/holds',
      operationId: 'placeSavingsHold',
      summary:
        'Place a hold (the first phase of a two-phase debit); the hold id is yours, used once',
      tags: ['holds'],
      request: {
        params: AccountParams,
        body: z
          .strictObject({ holdId: EntityId, amount: Amount, reason: Text, expiresAt: Instant })
          .meta({ id: 'PlaceSavingsHold' }),
      },
      responses: { 201: AccountView },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => {
        const result = await service.placeHold(
          params.coopId,
          params.accountId,
          {
            holdId: body.holdId,
            amount: rupiah(body.amount, '/amount'),
            reason: body.reason,
            expiresAt: new Date(body.expiresAt).toISOString(),
          },
          actorOf(ctx),
        );
        return { status: 201, ...(await viewOf(accounts, result)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/holds/{holdId}/capture',
      operationId: 'captureSavingsHold',
      summary: 'Capture a hold in full or in part; what is not captured is released',
      tags: ['holds'],
      request: {
        params: HoldParams,
        body: z
          .strictObject({ amount: Amount.optional(), via: Funds, reference: Text.optional() })
          .meta({ id: 'CaptureSavingsHold' }),
      },
      responses: { 200: AccountView },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => {
        const result = await service.captureHold(
          params.coopId,
          params.accountId,
          {
            holdId: params.holdId,
            amount: body.amount ? rupiah(body.amount, '/amount') : null,
            via: body.via,
            ...(body.reference ? { reference: body.reference } : {}),
          },
          actorOf(ctx),
        );
        return { status: 200, ...(await viewOf(accounts, result)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/accounts/{accountId}/holds/{holdId}/release',
      operationId: 'releaseSavingsHold',
      summary: 'Release a hold; its money is available again',
      tags: ['holds'],
      request: { params: HoldParams },
      responses: { 200: AccountView },
      policy: WRITE,
      handler: async ({ params }, ctx) => {
        const result = await service.releaseHold(
          params.coopId,
          params.accountId,
          params.holdId,
          actorOf(ctx),
        );
        return { status: 200, ...(await viewOf(accounts, result)) };
      },
    }),
  ];
}
