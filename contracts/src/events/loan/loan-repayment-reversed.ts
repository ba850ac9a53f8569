import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { EventId } from '../../ids';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanFunds, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanRepaymentReversedV1 = z.strictObject({
  ...loanEventBase,
  repaymentId: EventId.describe('the LoanRepaid event (its envelope id) this takes back'),
  amount: PositiveMoney.describe("the repayment's amount, not received"),
  via: LoanFunds.describe(
    'where the repayment was to come from (a savings account, which refused)',
  ),
  principal: NonNegativeMoney.describe('principal owed again, prepayment included'),
  prepaidPrincipal: NonNegativeMoney.describe('the part of `principal` that had been prepaid'),
  interest: NonNegativeMoney.describe('interest income the repayment had recognised: taken back'),
  accruedInterest: NonNegativeMoney.describe('accrued interest receivable again'),
  penalty: NonNegativeMoney.describe('penalty owed again (its collection is taken back)'),
  fee: NonNegativeMoney.describe('fee owed again (its collection is taken back)'),
  outstandingPrincipal: NonNegativeMoney.describe('after this reversal'),
  paidOn: IsoDate.describe(
    "the repayment's date: the reversal posts on it, as its mirror, while its period is open",
  ),
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,63}$/)
    .describe(
      "why the money never came: the savings service's refusal code (insufficient-funds, …)",
    ),
  reversedOn: IsoDate.describe(
    'the business date the savings service refused the debit: the reversal posts on it when the books have closed `paidOn`',
  ),
});
export type LoanRepaymentReversedV1 = z.output<typeof LoanRepaymentReversedV1>;

export const LoanRepaymentReversed = defineEvent({
  name: 'LoanRepaymentReversed',
  service: 'loan',
  description:
    'A repayment the loan had booked (LoanRepaid) never arrived — the savings service refused to debit the account — and is taken back: each part is owed again. The books post it as the exact mirror of that LoanRepaid (same amounts, same funds, on `paidOn`; on `reversedOn` if the books have closed `paidOn` meanwhile); amounts add up to `amount`.',
  versions: [
    {
      version: 1,
      schema: LoanRepaymentReversedV1,
      example: {
        ...LOAN_EXAMPLE,
        repaymentId: '0193a3d0-2d3e-7f40-8a51-6b7c8d9e0f12',
        amount: { amount: '900000', currency: 'IDR' },
        via: {
          kind: 'savings',
          savingsAccountId: '0193a3c4-7d2e-7f10-9a3b-4c5d6e7f8a90',
          productCode: 'SUKARELA',
        },
        principal: { amount: '788488', currency: 'IDR' },
        prepaidPrincipal: { amount: '0', currency: 'IDR' },
        interest: { amount: '0', currency: 'IDR' },
        accruedInterest: { amount: '100000', currency: 'IDR' },
        penalty: { amount: '11512', currency: 'IDR' },
        fee: { amount: '0', currency: 'IDR' },
        outstandingPrincipal: { amount: '10000000', currency: 'IDR' },
        paidOn: '2026-03-02',
        reason: 'insufficient-funds',
        reversedOn: '2026-03-02',
      },
    },
  ],
});
