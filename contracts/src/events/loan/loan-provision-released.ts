import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { Kolektibilitas, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanProvisionReleasedV1 = z.strictObject({
  ...loanEventBase,
  amount: PositiveMoney,
  provision: NonNegativeMoney.describe('the provision after the change'),
  kolektibilitas: Kolektibilitas,
  effectiveOn: IsoDate,
});
export type LoanProvisionReleasedV1 = z.output<typeof LoanProvisionReleasedV1>;

export const LoanProvisionReleased = defineEvent({
  name: 'LoanProvisionReleased',
  service: 'loan',
  description: 'The loan-loss provision (PPAP) shrank: the allowance released back to income.',
  versions: [
    {
      version: 1,
      schema: LoanProvisionReleasedV1,
      example: {
        ...LOAN_EXAMPLE,
        amount: { amount: '230000', currency: 'IDR' },
        provision: { amount: '46057', currency: 'IDR' },
        kolektibilitas: 'L',
        effectiveOn: '2026-03-05',
      },
    },
  ],
});
