import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { SavingsAccountId } from '../../ids';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanCollateralHoldId, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanCollateralHoldReducedV1 = z.strictObject({
  ...loanEventBase,
  holdId: LoanCollateralHoldId,
  savingsAccountId: SavingsAccountId,
  amount: NonNegativeMoney.describe('the hold from now on'),
  released: PositiveMoney.describe('what the hold gives back'),
  reducedOn: IsoDate,
});
export type LoanCollateralHoldReducedV1 = z.output<typeof LoanCollateralHoldReducedV1>;

export const LoanCollateralHoldReduced = defineEvent({
  name: 'LoanCollateralHoldReduced',
  service: 'loan',
  description: 'Principal was repaid: the savings hold securing the loan shrinks to `amount`.',
  versions: [
    {
      version: 1,
      schema: LoanCollateralHoldReducedV1,
      example: {
        ...LOAN_EXAMPLE,
        holdId: '0193a3d2-0000-7000-8000-000000000001',
        savingsAccountId: '0193a3d1-0000-7000-8000-000000000001',
        amount: { amount: '1842302', currency: 'IDR' },
        released: { amount: '157698', currency: 'IDR' },
        reducedOn: '2026-02-28',
      },
    },
  ],
});
