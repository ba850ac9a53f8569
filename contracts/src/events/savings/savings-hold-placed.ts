import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate, IsoInstant } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE, SavingsProductRef, SUKARELA_EXAMPLE } from './vocabulary';

export const SavingsHoldPlacedV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef,
  holdId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('the placer’s id for the hold, used once'),
  amount: PositiveMoney,
  reason: z.string().min(1).max(200),
  expiresAt: IsoInstant.describe(
    'after it the hold can no longer be captured; close of business releases it',
  ),
  businessDate: IsoDate,
});
export type SavingsHoldPlacedV1 = z.output<typeof SavingsHoldPlacedV1>;

export const SavingsHoldPlaced = defineEvent({
  name: 'SavingsHoldPlaced',
  service: 'savings',
  description:
    'Part of a balance was held (a loan’s collateral, an inter-coop payment in flight): no longer available, not yet debited. No posting.',
  versions: [
    {
      version: 1,
      schema: SavingsHoldPlacedV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: SUKARELA_EXAMPLE,
        holdId: 'pay-2026-000123',
        amount: { amount: '250000', currency: 'IDR' },
        reason: 'inter-coop payment',
        expiresAt: '2026-03-06T17:00:00.000Z',
        businessDate: '2026-03-05',
      },
    },
  ],
});
