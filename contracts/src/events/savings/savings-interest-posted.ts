import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE, SavingsProductRef, SUKARELA_EXAMPLE } from './vocabulary';

export const SavingsInterestPostedV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef,
  interest: PositiveMoney.describe(
    'gross interest credited, whole rupiah rounded half-up (the residue is carried)',
  ),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  basis: z.enum(['daily_balance', 'average_daily_balance', 'minimum_balance']),
  rateBasisPoints: z
    .int()
    .min(0)
    .max(10_000)
    .describe('the rate a year at the period end; 900 = 9%'),
  businessDate: IsoDate.describe('the day posted: the period’s last day'),
});
export type SavingsInterestPostedV1 = z.output<typeof SavingsInterestPostedV1>;

export const SavingsInterestPosted = defineEvent({
  name: 'SavingsInterestPosted',
  service: 'savings',
  description:
    'Interest was posted (gross) to a savings account. Books: debit interest expense, credit the product’s savings account (ledger movement SavingsInterestPosted with `interest`). Any tax withheld follows as SavingsInterestTaxWithheld.',
  versions: [
    {
      version: 1,
      schema: SavingsInterestPostedV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: SUKARELA_EXAMPLE,
        interest: { amount: '36986', currency: 'IDR' },
        periodStart: '2026-03-01',
        periodEnd: '2026-03-31',
        basis: 'daily_balance',
        rateBasisPoints: 450,
        businessDate: '2026-03-31',
      },
    },
  ],
});
