import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney } from '../../money';
import { IsoDate } from '../../time';
import { LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanWrittenOffV1 = z.strictObject({
  ...loanEventBase,
  principal: NonNegativeMoney.describe('outstanding principal charged to the allowance'),
  accruedInterest: NonNegativeMoney.describe('accrued interest reversed'),
  unaccruedInterest: NonNegativeMoney.describe('interest due but never accrued: off the books'),
  penalty: NonNegativeMoney.describe('penalties due: off the books'),
  fee: NonNegativeMoney.describe('fees due: off the books'),
  writtenOffOn: IsoDate,
});
export type LoanWrittenOffV1 = z.output<typeof LoanWrittenOffV1>;

export const LoanWrittenOff = defineEvent({
  name: 'LoanWrittenOff',
  service: 'loan',
  description:
    'The loan was written off (hapus buku) against its allowance; it is still owed, and recoveries are income.',
  versions: [
    {
      version: 1,
      schema: LoanWrittenOffV1,
      example: {
        ...LOAN_EXAMPLE,
        principal: { amount: '7610802', currency: 'IDR' },
        accruedInterest: { amount: '152000', currency: 'IDR' },
        unaccruedInterest: { amount: '456000', currency: 'IDR' },
        penalty: { amount: '120000', currency: 'IDR' },
        fee: { amount: '50000', currency: 'IDR' },
        writtenOffOn: '2026-12-31',
      },
    },
  ],
});
