import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney } from '../../money';
import { IsoDate } from '../../time';
import { Kolektibilitas, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanReclassifiedV1 = z.strictObject({
  ...loanEventBase,
  from: Kolektibilitas,
  to: Kolektibilitas,
  daysPastDue: z.int().min(0),
  outstandingPrincipal: NonNegativeMoney,
  policyVersion: z.string().min(1).max(64).describe('the kolektibilitas policy table applied'),
  reclassifiedOn: IsoDate,
});
export type LoanReclassifiedV1 = z.output<typeof LoanReclassifiedV1>;

export const LoanReclassified = defineEvent({
  name: 'LoanReclassified',
  service: 'loan',
  description: "The loan's kolektibilitas changed under the policy table in force.",
  versions: [
    {
      version: 1,
      schema: LoanReclassifiedV1,
      example: {
        ...LOAN_EXAMPLE,
        from: 'L',
        to: 'DPK',
        daysPastDue: 1,
        outstandingPrincipal: { amount: '9211512', currency: 'IDR' },
        policyVersion: 'brief-2026',
        reclassifiedOn: '2026-03-01',
      },
    },
  ],
});
