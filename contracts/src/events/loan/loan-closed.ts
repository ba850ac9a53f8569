import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { IsoDate } from '../../time';
import { LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanClosedV1 = z.strictObject({
  ...loanEventBase,
  closedOn: IsoDate,
});
export type LoanClosedV1 = z.output<typeof LoanClosedV1>;

export const LoanClosed = defineEvent({
  name: 'LoanClosed',
  service: 'loan',
  description: 'The loan was repaid in full and closed.',
  versions: [
    {
      version: 1,
      schema: LoanClosedV1,
      example: {
        ...LOAN_EXAMPLE,
        closedOn: '2027-01-31',
      },
    },
  ],
});
