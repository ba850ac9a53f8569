import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, SettlementBatchId } from '../../ids';
import { CurrencyCode, Money, NonNegativeMoney } from '../../money';
import { IsoInstant } from '../../time';
import {
  SETTLEMENT_BATCH_EXAMPLE,
  SETTLEMENT_COOP_A_EXAMPLE,
  SETTLEMENT_COOP_B_EXAMPLE,
  SETTLEMENT_PARENT_EXAMPLE,
  SettlementModel,
} from './vocabulary';

const Position = z.strictObject({
  coopId: CoopId,
  debits: NonNegativeMoney.describe('what it sent in the batch'),
  credits: NonNegativeMoney.describe('what it received'),
  net: Money.describe('credits − debits: positive receives, negative pays; the nets sum to zero'),
});

export const SettlementBatchClosedV1 = z.strictObject({
  batchId: SettlementBatchId,
  parentCoopId: CoopId,
  settlementModel: SettlementModel,
  currency: CurrencyCode,
  windowStart: IsoInstant,
  windowEnd: IsoInstant,
  transferCount: z.int().min(0),
  total: NonNegativeMoney,
  positions: z.array(Position).max(100_000),
  closedAt: IsoInstant,
});
export type SettlementBatchClosedV1 = z.output<typeof SettlementBatchClosedV1>;

export const SettlementBatchClosed = defineEvent({
  name: 'SettlementBatchClosed',
  service: 'settlement',
  description:
    "A settlement batch closed: it takes no more transfers, and each coop's position in it is final.",
  versions: [
    {
      version: 1,
      schema: SettlementBatchClosedV1,
      example: {
        batchId: SETTLEMENT_BATCH_EXAMPLE,
        parentCoopId: SETTLEMENT_PARENT_EXAMPLE,
        settlementModel: 'multilateral_net',
        currency: 'IDR',
        windowStart: '2026-03-04T17:00:00.000Z',
        windowEnd: '2026-03-05T17:00:00.000Z',
        transferCount: 2,
        total: { amount: '350000', currency: 'IDR' },
        positions: [
          {
            coopId: SETTLEMENT_COOP_A_EXAMPLE,
            debits: { amount: '250000', currency: 'IDR' },
            credits: { amount: '100000', currency: 'IDR' },
            net: { amount: '-150000', currency: 'IDR' },
          },
          {
            coopId: SETTLEMENT_COOP_B_EXAMPLE,
            debits: { amount: '100000', currency: 'IDR' },
            credits: { amount: '250000', currency: 'IDR' },
            net: { amount: '150000', currency: 'IDR' },
          },
        ],
        closedAt: '2026-03-05T17:01:00.000Z',
      },
    },
  ],
});
