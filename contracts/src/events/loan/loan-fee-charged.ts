import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanFeeChargedV1 = z.strictObject({
  ...loanEventBase,
  fee: PositiveMoney,
  reason: z.enum(['late_installment', 'restructuring']),
  chargedOn: IsoDate,
});
export type LoanFeeChargedV1 = z.output<typeof LoanFeeChargedV1>;

export const LoanFeeCharged = defineEvent({
  name: 'LoanFeeCharged',
  service: 'loan',
  description:
    'A fee fell due (a late installment, a restructuring); it is income when collected (LoanRepaid.fee).',
  versions: [
    {
      version: 1,
      schema: LoanFeeChargedV1,
      example: {
        ...LOAN_EXAMPLE,
        fee: { amount: '25000', currency: 'IDR' },
        reason: 'late_installment',
        chargedOn: '2026-03-01',
      },
    },
  ],
});
