import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { SavingsAccountId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanCollateralHoldId, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanCollateralHoldRequestedV1 = z.strictObject({
  ...loanEventBase,
  holdId: LoanCollateralHoldId.describe(
    'the id to give the hold (the loan id): SavingsHoldPlaced reports it back',
  ),
  savingsAccountId: SavingsAccountId,
  amount: PositiveMoney,
  requestedOn: IsoDate,
});
export type LoanCollateralHoldRequestedV1 = z.output<typeof LoanCollateralHoldRequestedV1>;

export const LoanCollateralHoldRequested = defineEvent({
  name: 'LoanCollateralHoldRequested',
  service: 'loan',
  description:
    "The approved loan must be secured by a hold of `amount` on the borrower's savings: the savings service places it and reports the hold.",
  versions: [
    {
      version: 1,
      schema: LoanCollateralHoldRequestedV1,
      example: {
        ...LOAN_EXAMPLE,
        holdId: '0193a3d0-1c2b-7d3e-8f40-5a6b7c8d9e01',
        savingsAccountId: '0193a3d1-0000-7000-8000-000000000001',
        amount: { amount: '2000000', currency: 'IDR' },
        requestedOn: '2026-01-30',
      },
    },
  ],
});
