import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { EventId, LoanId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE } from './vocabulary';

export const SavingsDebitRefusedV1 = z.strictObject({
  coopId: AccountHolder.coopId,
  accountId: AccountHolder.accountId,
  memberId: AccountHolder.memberId.describe('the borrower the loan named'),
  loanId: LoanId.describe('the loan whose repayment or recovery this answers'),
  request: z
    .enum(['LoanRepaid', 'LoanRecovered'])
    .describe('the loan event that asked savings to debit the account'),
  requestId: EventId.describe(
    "that event's id (its envelope id): the loan finds the payment by it",
  ),
  amount: PositiveMoney.describe('the debit the loan asked for'),
  requestedOn: IsoDate.describe("the payment's date on the loan (paidOn or recoveredOn)"),
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,63}$/)
    .describe(
      "the savings service's refusal code: insufficient-funds, account-closed, account-frozen, before-opening, account-not-found, not-borrowers-account, …",
    ),
  detail: z.string().min(1).max(500).describe('the refusal as staff read it'),
  businessDate: IsoDate.describe("savings' business date when it refused"),
});
export type SavingsDebitRefusedV1 = z.output<typeof SavingsDebitRefusedV1>;

export const SavingsDebitRefused = defineEvent({
  name: 'SavingsDebitRefused',
  service: 'savings',
  description:
    "A loan's repayment or recovery to be taken from savings (LoanRepaid or LoanRecovered via savings) was refused by the savings service's rules: nothing was debited, so the loan did not receive the money. A technical failure is retried, never reported so.",
  versions: [
    {
      version: 1,
      schema: SavingsDebitRefusedV1,
      example: {
        coopId: HOLDER_EXAMPLE.coopId,
        accountId: HOLDER_EXAMPLE.accountId,
        memberId: HOLDER_EXAMPLE.memberId,
        loanId: '0193a3d0-1c2b-7d3e-8f40-5a6b7c8d9e01',
        request: 'LoanRepaid',
        requestId: '0193a3d0-2d3e-7f40-8a51-6b7c8d9e0f12',
        amount: { amount: '900000', currency: 'IDR' },
        requestedOn: '2026-03-02',
        reason: 'insufficient-funds',
        detail: 'Only 500000 rupiah can be taken (available 510000, minimum balance 10000).',
        businessDate: '2026-03-02',
      },
    },
  ],
});
