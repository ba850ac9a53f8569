import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, SavingsAccountId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';

export const SavingsHoldReleasedV1 = z.strictObject({
  coopId: CoopId,
  accountId: SavingsAccountId,
  holdId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  amount: PositiveMoney,
  reason: z.enum(['released', 'expired']).describe('released on request, or lapsed at its expiry'),
  businessDate: IsoDate,
});
export type SavingsHoldReleasedV1 = z.output<typeof SavingsHoldReleasedV1>;

export const SavingsHoldReleased = defineEvent({
  name: 'SavingsHoldReleased',
  service: 'savings',
  description:
    'A hold ended without being captured; its amount is available again. No posting. (A capture is SavingsWithdrawn with its hold.)',
  versions: [
    {
      version: 1,
      schema: SavingsHoldReleasedV1,
      example: {
        coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
        accountId: '0193a3c4-1b2c-7d3e-8f40-5a6b7c8d9e01',
        holdId: 'pay-2026-000123',
        amount: { amount: '250000', currency: 'IDR' },
        reason: 'expired',
        businessDate: '2026-03-06',
      },
    },
  ],
});
