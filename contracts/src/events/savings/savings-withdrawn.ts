import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import {
  AccountHolder,
  HOLDER_EXAMPLE,
  SavingsFunds,
  SavingsProductRef,
  SUKARELA_EXAMPLE,
} from './vocabulary';

export const SavingsWithdrawnV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef,
  amount: PositiveMoney,
  via: SavingsFunds.describe('where the money went: the books debit the product and credit it'),
  businessDate: IsoDate,
  reason: z
    .enum(['withdrawal', 'hold_captured', 'matured', 'closed'])
    .describe(
      'a withdrawal, a captured hold (loan or inter-coop payment), a time deposit paid out, an account closed',
    ),
  hold: z
    .strictObject({ holdId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), released: NonNegativeMoney })
    .nullable()
    .describe('for a captured hold: its id and the part of it released rather than captured'),
  externalId: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,64}$/)
    .nullable(),
});
export type SavingsWithdrawnV1 = z.output<typeof SavingsWithdrawnV1>;

export const SavingsWithdrawn = defineEvent({
  name: 'SavingsWithdrawn',
  service: 'savings',
  description:
    'Money left a savings account. Books: debit the product’s savings account, credit `via` (ledger movement SavingsWithdrawn). A counterpart service that posts its own side (a loan repaid, a transfer sent) posts it against `via`, never against the savings account again.',
  versions: [
    {
      version: 1,
      schema: SavingsWithdrawnV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: SUKARELA_EXAMPLE,
        amount: { amount: '250000', currency: 'IDR' },
        via: 'settlement_in_transit',
        businessDate: '2026-03-05',
        reason: 'hold_captured',
        hold: { holdId: 'pay-2026-000123', released: { amount: '0', currency: 'IDR' } },
        externalId: null,
      },
    },
  ],
});
