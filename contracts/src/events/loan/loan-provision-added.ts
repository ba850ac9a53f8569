import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { Kolektibilitas, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanProvisionAddedV1 = z.strictObject({
  ...loanEventBase,
  amount: PositiveMoney,
  provision: NonNegativeMoney.describe('the provision after the change'),
  kolektibilitas: Kolektibilitas,
  effectiveOn: IsoDate,
});
export type LoanProvisionAddedV1 = z.output<typeof LoanProvisionAddedV1>;

export const LoanProvisionAdded = defineEvent({
  name: 'LoanProvisionAdded',
  service: 'loan',
  description: 'The loan-loss provision (PPAP) grew: provision expense against the allowance.',
  versions: [
    {
      version: 1,
      schema: LoanProvisionAddedV1,
      example: {
        ...LOAN_EXAMPLE,
        amount: { amount: '230000', currency: 'IDR' },
        provision: { amount: '276057', currency: 'IDR' },
        kolektibilitas: 'DPK',
        effectiveOn: '2026-03-01',
      },
    },
  ],
});
