import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanPenaltyChargedV1 = z.strictObject({
  ...loanEventBase,
  penalty: PositiveMoney,
  overdueAmount: PositiveMoney.describe('the overdue principal and interest it was charged on'),
  chargedFor: IsoDate,
});
export type LoanPenaltyChargedV1 = z.output<typeof LoanPenaltyChargedV1>;

export const LoanPenaltyCharged = defineEvent({
  name: 'LoanPenaltyCharged',
  service: 'loan',
  description:
    "A day's penalty (denda) on the overdue amount was charged; it is income when collected (LoanRepaid.penalty).",
  versions: [
    {
      version: 1,
      schema: LoanPenaltyChargedV1,
      example: {
        ...LOAN_EXAMPLE,
        penalty: { amount: '889', currency: 'IDR' },
        overdueAmount: { amount: '888488', currency: 'IDR' },
        chargedFor: '2026-03-01',
      },
    },
  ],
});
