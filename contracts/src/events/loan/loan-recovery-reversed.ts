import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { EventId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { LoanFunds, LOAN_EXAMPLE, loanEventBase } from './vocabulary';

export const LoanRecoveryReversedV1 = z.strictObject({
  ...loanEventBase,
  recoveryId: EventId.describe('the LoanRecovered event (its envelope id) this takes back'),
  amount: PositiveMoney.describe("the recovery's amount, not received"),
  via: LoanFunds.describe('where the recovery was to come from (a savings account, which refused)'),
  recoveredOn: IsoDate.describe(
    "the recovery's date: the reversal posts on it, as its mirror, while its period is open",
  ),
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,63}$/)
    .describe(
      "why the money never came: the savings service's refusal code (insufficient-funds, …)",
    ),
  reversedOn: IsoDate.describe(
    'the business date the savings service refused the debit: the reversal posts on it when the books have closed `recoveredOn`',
  ),
});
export type LoanRecoveryReversedV1 = z.output<typeof LoanRecoveryReversedV1>;

export const LoanRecoveryReversed = defineEvent({
  name: 'LoanRecoveryReversed',
  service: 'loan',
  description:
    'A recovery the written-off loan had booked (LoanRecovered) never arrived — the savings service refused to debit the account — and is taken back: the claim is open by its amount again. The books post it as the exact mirror of that LoanRecovered (same amount, same funds, on `recoveredOn`; on `reversedOn` if the books have closed `recoveredOn` meanwhile).',
  versions: [
    {
      version: 1,
      schema: LoanRecoveryReversedV1,
      example: {
        ...LOAN_EXAMPLE,
        recoveryId: '0193a3d0-2d3e-7f40-8a51-6b7c8d9e0f12',
        amount: { amount: '1000000', currency: 'IDR' },
        via: {
          kind: 'savings',
          savingsAccountId: '0193a3c4-7d2e-7f10-9a3b-4c5d6e7f8a90',
          productCode: 'SUKARELA',
        },
        recoveredOn: '2027-03-10',
        reason: 'insufficient-funds',
        reversedOn: '2027-03-10',
      },
    },
  ],
});
