import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanFunds, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanRecoveredV1 = z.strictObject({
  ...loanEventBase,
  amount: PositiveMoney,
  via: LoanFunds,
  recoveredOn: IsoDate,
});
export type LoanRecoveredV1 = z.output<typeof LoanRecoveredV1>;

export const LoanRecovered = defineEvent({
  name: 'LoanRecovered',
  service: 'loan',
  description: 'Money was recovered on a written-off loan: recovery income.',
  versions: [
    {
      version: 1,
      schema: LoanRecoveredV1,
      example: {
        ...LOAN_EXAMPLE,
        amount: { amount: '1000000', currency: 'IDR' },
        via: { kind: 'bank' },
        recoveredOn: '2027-03-10',
      },
    },
  ],
});
