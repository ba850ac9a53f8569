import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, SettlementBatchId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoDate } from '../../time';
import {
  SETTLEMENT_BATCH_EXAMPLE,
  SETTLEMENT_COOP_A_EXAMPLE,
  SETTLEMENT_PARENT_EXAMPLE,
  SettlementReference,
} from './vocabulary';

const Instruction = z.strictObject({
  direction: z
    .enum(['pay', 'receive'])
    .describe("the coop's side: it pays the parent, or the parent pays it"),
  amount: PositiveMoney,
  counterpartyCoopId: CoopId.nullable().describe(
    'the other coop of a bilateral net; null otherwise',
  ),
  reference: SettlementReference.describe(
    'the settlement instruction reference quoted in the bank transfer',
  ),
});

export const CoopSettlementConfirmedV1 = z.strictObject({
  batchId: SettlementBatchId,
  parentCoopId: CoopId,
  coopId: CoopId,
  bankReference: SettlementReference,
  settledOn: IsoDate.describe('the bank value date'),
  instructions: z.array(Instruction).min(1).max(10_000),
  batchSettled: z.boolean().describe('true when this was the last coop of the batch to settle'),
});
export type CoopSettlementConfirmedV1 = z.output<typeof CoopSettlementConfirmedV1>;

export const CoopSettlementConfirmed = defineEvent({
  name: 'CoopSettlementConfirmed',
  service: 'settlement',
  description:
    "A member coop's settlement of a batch was confirmed with the bank's reference (partial settlement: coop by coop). Books: NetPositionPaid/Received at the coop, MemberNetPositionReceived/Paid at the parent.",
  versions: [
    {
      version: 1,
      schema: CoopSettlementConfirmedV1,
      example: {
        batchId: SETTLEMENT_BATCH_EXAMPLE,
        parentCoopId: SETTLEMENT_PARENT_EXAMPLE,
        coopId: SETTLEMENT_COOP_A_EXAMPLE,
        bankReference: 'BNI-20260306-000771',
        settledOn: '2026-03-06',
        instructions: [
          {
            direction: 'pay',
            amount: { amount: '150000', currency: 'IDR' },
            counterpartyCoopId: null,
            reference: 'STL-3FA2B1C9-001',
          },
        ],
        batchSettled: false,
      },
    },
  ],
});
