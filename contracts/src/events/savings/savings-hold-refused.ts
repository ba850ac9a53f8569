import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { LoanId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import { AccountHolder, HOLDER_EXAMPLE } from './vocabulary';

export const SavingsHoldRefusedV1 = z.strictObject({
  coopId: AccountHolder.coopId,
  accountId: AccountHolder.accountId,
  memberId: AccountHolder.memberId.describe('the borrower the loan named'),
  loanId: LoanId.describe('the loan whose LoanCollateralHoldRequested this answers'),
  holdId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .describe('the hold id the loan asked for'),
  amount: PositiveMoney.describe('the hold the loan asked for'),
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,63}$/)
    .describe(
      "the savings service's refusal code: insufficient-funds, account-closed, account-not-found, not-borrowers-account, member-not-active, product-not-holdable, …",
    ),
  detail: z.string().min(1).max(500).describe('the refusal as staff read it'),
  businessDate: IsoDate,
});
export type SavingsHoldRefusedV1 = z.output<typeof SavingsHoldRefusedV1>;

export const SavingsHoldRefused = defineEvent({
  name: 'SavingsHoldRefused',
  service: 'savings',
  description:
    "A loan's collateral hold (LoanCollateralHoldRequested) was refused by the savings service's rules: nothing is held, and the loan is not secured. A technical failure is retried, never reported so.",
  versions: [
    {
      version: 1,
      schema: SavingsHoldRefusedV1,
      example: {
        coopId: HOLDER_EXAMPLE.coopId,
        accountId: HOLDER_EXAMPLE.accountId,
        memberId: HOLDER_EXAMPLE.memberId,
        loanId: '0193a3d0-1c2b-7d3e-8f40-5a6b7c8d9e01',
        holdId: '0193a3d0-1c2b-7d3e-8f40-5a6b7c8d9e01',
        amount: { amount: '2500000', currency: 'IDR' },
        reason: 'insufficient-funds',
        detail: 'Only 500000 rupiah can be taken (available 510000, minimum balance 10000).',
        businessDate: '2026-01-30',
      },
    },
  ],
});
