import { z } from 'zod';
import { defineRoute, type Route } from '@kopfed/service-kit';
import type { Accounts } from '../accounts/account-context';
import { actorOf } from '../accounts/respond';
import { rupiah } from '../shared/money';
import { WRITE } from '../shared/policies';
import { Amount, CoopParams, EntityId, MoneyView } from '../shared/schemas';
import type { TransferService } from './transfer-service';

const TransferRequest = z
  .strictObject({
    transferId: EntityId.meta({
      description: 'Your id for the transfer: a transfer id is used once, for ever.',
    }),
    fromAccountId: EntityId,
    toAccountId: EntityId,
    amount: Amount,
  })
  .meta({ id: 'TransferBetweenSavingsAccounts' });

const TransferResult = z
  .object({
    transferId: z.string(),
    outcome: z.enum(['completed', 'reversed']),
    fromAccountId: z.string(),
    toAccountId: z.string(),
    amount: MoneyView,
  })
  .meta({ id: 'SavingsTransfer' });

export function transferRoutes(_accounts: Accounts, transfers: TransferService): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/coops/{coopId}/transfers',
      operationId: 'transferBetweenSavingsAccounts',
      summary: 'Move money between two accounts of one member (e.g. sukarela to wajib)',
      tags: ['transfers'],
      request: { params: CoopParams, body: TransferRequest },
      responses: { 201: TransferResult },
      policy: WRITE,
      handler: async ({ params, body }, ctx) => {
        const amount = rupiah(body.amount, '/amount');
        const outcome = await transfers.transfer(
          params.coopId,
          {
            transferId: body.transferId,
            fromAccountId: body.fromAccountId,
            toAccountId: body.toAccountId,
            amount,
          },
          actorOf(ctx),
        );
        return {
          status: 201,
          body: {
            transferId: body.transferId,
            outcome,
            fromAccountId: body.fromAccountId,
            toAccountId: body.toAccountId,
            amount: body.amount,
          },
        };
      },
    }),
  ];
}
