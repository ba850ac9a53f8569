import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, TransferId } from '../../ids';
import { PositiveMoney } from '../../money';
import { IsoInstant } from '../../time';
import {
  SETTLEMENT_COOP_A_EXAMPLE,
  SETTLEMENT_COOP_B_EXAMPLE,
  SETTLEMENT_PARENT_EXAMPLE,
} from './vocabulary';

export const InterCoopTransferVoidedV1 = z.strictObject({
  transferId: TransferId,
  parentCoopId: CoopId,
  fromCoopId: CoopId,
  toCoopId: CoopId,
  released: PositiveMoney.describe('what the pending transfer had reserved, released again'),
  reason: z.enum(['voided', 'expired']).describe('voided on request, or past its timeout'),
  voidedAt: IsoInstant,
});
export type InterCoopTransferVoidedV1 = z.output<typeof InterCoopTransferVoidedV1>;

export const InterCoopTransferVoided = defineEvent({
  name: 'InterCoopTransferVoided',
  service: 'settlement',
  description:
    'A pending inter-coop transfer was voided or expired: nothing moved, its reservation is released. No posting.',
  versions: [
    {
      version: 1,
      schema: InterCoopTransferVoidedV1,
      example: {
        transferId: 'pay-2026-000124',
        parentCoopId: SETTLEMENT_PARENT_EXAMPLE,
        fromCoopId: SETTLEMENT_COOP_A_EXAMPLE,
        toCoopId: SETTLEMENT_COOP_B_EXAMPLE,
        released: { amount: '75000', currency: 'IDR' },
        reason: 'expired',
        voidedAt: '2026-03-05T04:15:00.000Z',
      },
    },
  ],
});
