import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { NonNegativeMoney, PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import {
  LoanAnnualRatePercent,
  LoanBorrower,
  LoanFunds,
  LoanMethod,
  LOAN_EXAMPLE,
  loanEventBase,
} from './vocabulary';

export const LoanDisbursedV1 = z.strictObject({
  ...loanEventBase,
  borrower: LoanBorrower,
  origin: z.enum(['kopfed', 'sync']).describe("sync: kept in the coop's own core and synced"),
  principal: PositiveMoney,
  fee: NonNegativeMoney.describe('deducted from the payout: fee income'),
  netAmount: NonNegativeMoney.describe('principal − fee: what reached `via`'),
  via: LoanFunds.describe('where the payout went (the savings account is credited)'),
  method: LoanMethod,
  annualRatePercent: LoanAnnualRatePercent,
  termMonths: z.int().min(1).max(360),
  graceMonths: z.int().min(0).max(359),
  firstDueDate: IsoDate,
  maturityDate: IsoDate,
  disbursedOn: IsoDate,
});
export type LoanDisbursedV1 = z.output<typeof LoanDisbursedV1>;

export const LoanDisbursed = defineEvent({
  name: 'LoanDisbursed',
  service: 'loan',
  description:
    'A loan was paid out: the principal less the fee went to `via`; the schedule starts.',
  versions: [
    {
      version: 1,
      schema: LoanDisbursedV1,
      example: {
        ...LOAN_EXAMPLE,
        borrower: { kind: 'person' },
        origin: 'kopfed',
        principal: { amount: '10000000', currency: 'IDR' },
        fee: { amount: '100000', currency: 'IDR' },
        netAmount: { amount: '9900000', currency: 'IDR' },
        via: {
          kind: 'savings',
          savingsAccountId: '0193a3d1-0000-7000-8000-000000000001',
          productCode: 'SUKARELA',
        },
        method: 'ANNUITY',
        annualRatePercent: '12',
        termMonths: 12,
        graceMonths: 0,
        firstDueDate: '2026-02-28',
        maturityDate: '2027-01-31',
        disbursedOn: '2026-01-31',
      },
    },
  ],
});
