import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney } from '../../money';
import { IsoDate } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE, SavingsProductRef } from './vocabulary';

export const SavingsChargedV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef,
  fee: NonNegativeMoney,
  penalty: NonNegativeMoney,
  reason: z.enum(['early_withdrawal']).describe('a time deposit broken before maturity'),
  businessDate: IsoDate,
});
export type SavingsChargedV1 = z.output<typeof SavingsChargedV1>;

export const SavingsCharged = defineEvent({
  name: 'SavingsCharged',
  service: 'savings',
  description:
    'A fee or penalty was taken from a savings account. Books: debit the product’s savings account, credit fee or penalty income (ledger movement SavingsCharged).',
  versions: [
    {
      version: 1,
      schema: SavingsChargedV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: { code: 'BERJANGKA_12', kind: 'berjangka', classification: 'liability' },
        fee: { amount: '0', currency: 'IDR' },
        penalty: { amount: '100000', currency: 'IDR' },
        reason: 'early_withdrawal',
        businessDate: '2026-06-15',
      },
    },
  ],
});
