import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { SavingsAccountId } from '../../ids';
import { NonNegativeMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanCollateralHoldId, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanCollateralHoldReleasedV1 = z.strictObject({
  ...loanEventBase,
  holdId: LoanCollateralHoldId.nullable().describe(
    'null when the hold was requested but its placement was never reported',
  ),
  savingsAccountId: SavingsAccountId,
  released: NonNegativeMoney,
  releasedOn: IsoDate,
});
export type LoanCollateralHoldReleasedV1 = z.output<typeof LoanCollateralHoldReleasedV1>;

export const LoanCollateralHoldReleased = defineEvent({
  name: 'LoanCollateralHoldReleased',
  service: 'loan',
  description:
    'The loan no longer needs its savings hold (repaid, or never disbursed): the savings service lifts it.',
  versions: [
    {
      version: 1,
      schema: LoanCollateralHoldReleasedV1,
      example: {
        ...LOAN_EXAMPLE,
        holdId: '0193a3d2-0000-7000-8000-000000000001',
        savingsAccountId: '0193a3d1-0000-7000-8000-000000000001',
        released: { amount: '175938', currency: 'IDR' },
        releasedOn: '2027-01-31',
      },
    },
  ],
});
