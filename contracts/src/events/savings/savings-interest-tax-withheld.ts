import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE, SavingsProductRef, SUKARELA_EXAMPLE } from './vocabulary';

export const SavingsInterestTaxWithheldV1 = z.strictObject({
  ...AccountHolder,
  product: SavingsProductRef,
  tax: PositiveMoney.describe('final income tax withheld from the interest'),
  businessDate: IsoDate,
  rateBasisPoints: z.int().min(0).max(10_000),
  monthlyThreshold: NonNegativeMoney.describe('a month’s interest up to this is not taxed'),
  source: z.string().max(100).describe('the rule, e.g. PP 15/2009'),
  months: z
    .array(
      z.strictObject({
        month: z.string().regex(/^\d{4}-\d{2}$/),
        grossInterest: NonNegativeMoney,
        tax: NonNegativeMoney,
      }),
    )
    .max(12)
    .describe('each month’s whole interest and tax so far'),
});
export type SavingsInterestTaxWithheldV1 = z.output<typeof SavingsInterestTaxWithheldV1>;

export const SavingsInterestTaxWithheld = defineEvent({
  name: 'SavingsInterestTaxWithheld',
  service: 'savings',
  description:
    'Final withholding tax on savings interest paid to an individual member (PP 15/2009: none when the month’s interest is at most Rp240,000, else 10% of the gross). Books: debit the product’s savings account, credit tax payable (ledger movement SavingsInterestPosted with interest 0 and `tax`).',
  versions: [
    {
      version: 1,
      schema: SavingsInterestTaxWithheldV1,
      example: {
        ...HOLDER_EXAMPLE,
        product: SUKARELA_EXAMPLE,
        tax: { amount: '36986', currency: 'IDR' },
        businessDate: '2026-03-31',
        rateBasisPoints: 1000,
        monthlyThreshold: { amount: '240000', currency: 'IDR' },
        source: 'PP 15/2009',
        months: [
          {
            month: '2026-03',
            grossInterest: { amount: '369863', currency: 'IDR' },
            tax: { amount: '36986', currency: 'IDR' },
          },
        ],
      },
    },
  ],
});
