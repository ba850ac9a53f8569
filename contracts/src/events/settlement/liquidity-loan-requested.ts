import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, SettlementBatchId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoInstant } from '../../time';
import {
  SETTLEMENT_BATCH_EXAMPLE,
  SETTLEMENT_COOP_A_EXAMPLE,
  SETTLEMENT_PARENT_EXAMPLE,
} from './vocabulary';

export const LiquidityLoanRequestedV1 = z.strictObject({
  batchId: SettlementBatchId,
  coopId: CoopId.describe('the member coop whose net debit exceeds its cover: the borrower'),
  parentCoopId: CoopId.describe('the lender'),
  shortfall: PositiveMoney.describe('net debit less liquidity cover at settlement'),
  requestedAt: IsoInstant,
});
export type LiquidityLoanRequestedV1 = z.output<typeof LiquidityLoanRequestedV1>;

export const LiquidityLoanRequested = defineEvent({
  name: 'LiquidityLoanRequested',
  service: 'settlement',
  description:
    'A settlement was committed while a member coop (which opted in) owed more than its liquidity cover: the parent lends it the shortfall. The loan service applies for the loan in the parent, on the product the parent designated for liquidity loans, and the parent approves and disburses it; a request it cannot apply for is listed with its reason until answered.',
  versions: [
    {
      version: 1,
      schema: LiquidityLoanRequestedV1,
      example: {
        batchId: SETTLEMENT_BATCH_EXAMPLE,
        coopId: SETTLEMENT_COOP_A_EXAMPLE,
        parentCoopId: SETTLEMENT_PARENT_EXAMPLE,
        shortfall: { amount: '150000', currency: 'IDR' },
        requestedAt: '2026-03-06T02:00:00.000Z',
      },
    },
  ],
});
