import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanFunds, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanRepaidV1 = z.strictObject({
  ...loanEventBase,
  amount: PositiveMoney,
  via: LoanFunds.describe('where the money came from (a savings account is debited)'),
  principal: NonNegativeMoney.describe('principal repaid, prepayment included'),
  prepaidPrincipal: NonNegativeMoney.describe('the part of `principal` paid before it was due'),
  interest: NonNegativeMoney.describe('interest not accrued before: income now'),
  accruedInterest: NonNegativeMoney.describe('interest accrued earlier: settles the receivable'),
  penalty: NonNegativeMoney,
  fee: NonNegativeMoney,
  outstandingPrincipal: NonNegativeMoney.describe('after this repayment'),
  paidOn: IsoDate,
  externalId: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]{1,64}$/)
    .nullable()
    .describe("the repayment's id in the coop's own core (sync); null otherwise"),
});
export type LoanRepaidV1 = z.output<typeof LoanRepaidV1>;

export const LoanRepaid = defineEvent({
  name: 'LoanRepaid',
  service: 'loan',
  description:
    "A repayment was received and allocated by the product's order; amounts add up to `amount`.",
  versions: [
    {
      version: 1,
      schema: LoanRepaidV1,
      example: {
        ...LOAN_EXAMPLE,
        amount: { amount: '900000', currency: 'IDR' },
        via: { kind: 'cash' },
        principal: { amount: '788488', currency: 'IDR' },
        prepaidPrincipal: { amount: '0', currency: 'IDR' },
        interest: { amount: '0', currency: 'IDR' },
        accruedInterest: { amount: '100000', currency: 'IDR' },
        penalty: { amount: '11512', currency: 'IDR' },
        fee: { amount: '0', currency: 'IDR' },
        outstandingPrincipal: { amount: '9211512', currency: 'IDR' },
        paidOn: '2026-03-02',
        externalId: null,
      },
    },
  ],
});
