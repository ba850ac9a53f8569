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
} from './vocabulary';

const Leg = z.strictObject({
  transferId: TransferId,
  fromCoopId: CoopId,
  toCoopId: CoopId,
  amount: PositiveMoney,
  status: z.enum(['posted', 'pending']),
  batchId: SettlementBatchId.nullable().describe('the batch of a posted leg; null while pending'),
  reference: SettlementReference.nullable(),
});

export const InterCoopTransferGroupSubmittedV1 = z.strictObject({
  groupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  parentCoopId: CoopId,
  transfers: z.array(Leg).min(1).max(1_000),
  submittedAt: IsoInstant,
});
export type InterCoopTransferGroupSubmittedV1 = z.output<typeof InterCoopTransferGroupSubmittedV1>;

export const InterCoopTransferGroupSubmitted = defineEvent({
  name: 'InterCoopTransferGroupSubmitted',
  service: 'settlement',
  description:
    'Several inter-coop transfers were made as one atomic group (all or none). Posted legs post like InterCoopTransferPosted; pending legs are later posted or voided one by one.',
  versions: [
    {
      version: 1,
      schema: InterCoopTransferGroupSubmittedV1,
      example: {
        groupId: 'payroll-2026-03',
        parentCoopId: SETTLEMENT_PARENT_EXAMPLE,
        transfers: [
          {
            transferId: 'payroll-2026-03-001',
            fromCoopId: SETTLEMENT_COOP_A_EXAMPLE,
            toCoopId: SETTLEMENT_COOP_B_EXAMPLE,
            amount: { amount: '1200000', currency: 'IDR' },
            status: 'posted',
            batchId: SETTLEMENT_BATCH_EXAMPLE,
            reference: null,
          },
        ],
        submittedAt: '2026-03-05T03:20:00.000Z',
      },
    },
  ],
});
