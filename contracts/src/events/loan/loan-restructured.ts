import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanAnnualRatePercent, LoanMethod, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanRestructuredV1 = z.strictObject({
  ...loanEventBase,
  kind: z.enum(['reschedule', 'restructure']),
  method: LoanMethod,
  annualRatePercent: LoanAnnualRatePercent,
  installments: z.int().min(1).max(360).describe('installments in the new schedule'),
  graceMonths: z.int().min(0).max(359),
  outstandingPrincipal: NonNegativeMoney,
  maturityDate: IsoDate,
  restructuredOn: IsoDate,
});
export type LoanRestructuredV1 = z.output<typeof LoanRestructuredV1>;

export const LoanRestructured = defineEvent({
  name: 'LoanRestructured',
  service: 'loan',
  description:
    'The loan was rescheduled (new term) or restructured (new rate or method); arrears were folded into the new schedule.',
  versions: [
    {
      version: 1,
      schema: LoanRestructuredV1,
      example: {
        ...LOAN_EXAMPLE,
        kind: 'reschedule',
        method: 'ANNUITY',
        annualRatePercent: '12',
        installments: 18,
        graceMonths: 2,
        outstandingPrincipal: { amount: '7610802', currency: 'IDR' },
        maturityDate: '2027-11-15',
        restructuredOn: '2026-05-15',
      },
    },
  ],
});
