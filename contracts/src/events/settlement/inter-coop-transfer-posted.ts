import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, SettlementBatchId, TransferId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoInstant } from '../../time';
import {
  SETTLEMENT_BATCH_EXAMPLE,
  SETTLEMENT_COOP_A_EXAMPLE,
  SETTLEMENT_COOP_B_EXAMPLE,
  SETTLEMENT_PARENT_EXAMPLE,
  SettlementReference,
  SettlementModel,
} from './vocabulary';

export const InterCoopTransferPostedV1 = z.strictObject({
  transferId: TransferId,
  parentCoopId: CoopId.describe('the coop that clears it: the parent of both'),
  fromCoopId: CoopId,
  toCoopId: CoopId,
  amount: PositiveMoney.describe(
    'what was posted: less than reserved when a pending transfer was partly posted',
  ),
  reserved: PositiveMoney.nullable().describe('for a pending transfer, what it had reserved'),
  settlementModel: SettlementModel,
  batchId: SettlementBatchId.describe('the settlement batch it falls into'),
  reference: SettlementReference.nullable(),
  postedAt: IsoInstant,
});
export type InterCoopTransferPostedV1 = z.output<typeof InterCoopTransferPostedV1>;

export const InterCoopTransferPosted = defineEvent({
  name: 'InterCoopTransferPosted',
  service: 'settlement',
  description:
    'An inter-coop transfer was posted at the parent (at once, or a pending one posted): the payer owes it in the batch, the payee is owed it. Books: InterCoopTransferSent at the payer, Received at the payee, Cleared at the parent.',
  versions: [
    {
      version: 1,
      schema: InterCoopTransferPostedV1,
      example: {
        transferId: 'pay-2026-000123',
        parentCoopId: SETTLEMENT_PARENT_EXAMPLE,
        fromCoopId: SETTLEMENT_COOP_A_EXAMPLE,
        toCoopId: SETTLEMENT_COOP_B_EXAMPLE,
        amount: { amount: '250000', currency: 'IDR' },
        reserved: null,
        settlementModel: 'multilateral_net',
        batchId: SETTLEMENT_BATCH_EXAMPLE,
        reference: 'INV-2026-0042',
        postedAt: '2026-03-05T03:15:00.000Z',
      },
    },
  ],
});
