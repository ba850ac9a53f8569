import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanInterestAccruedV1 = z.strictObject({
  ...loanEventBase,
  interest: PositiveMoney,
  accruedThrough: IsoDate.describe('the business date whose close of business accrued it'),
});
export type LoanInterestAccruedV1 = z.output<typeof LoanInterestAccruedV1>;

export const LoanInterestAccrued = defineEvent({
  name: 'LoanInterestAccrued',
  service: 'loan',
  description:
    'Interest earned but not yet paid was recognised (whole rupiah; the fraction is carried to the next accrual).',
  versions: [
    {
      version: 1,
      schema: LoanInterestAccruedV1,
      example: {
        ...LOAN_EXAMPLE,
        interest: { amount: '3226', currency: 'IDR' },
        accruedThrough: '2026-02-01',
      },
    },
  ],
});
