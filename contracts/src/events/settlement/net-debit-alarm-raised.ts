import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId } from '../../ids';
import { NonNegativeMoney } from '../../money';
import { IsoInstant } from '../../time';
import { SETTLEMENT_COOP_A_EXAMPLE, SETTLEMENT_PARENT_EXAMPLE } from './vocabulary';

export const NetDebitAlarmRaisedV1 = z.strictObject({
  coopId: CoopId,
  parentCoopId: CoopId,
  position: NonNegativeMoney.describe(
    'what the coop could owe at settlement: net debit and pending debits',
  ),
  netDebitCap: NonNegativeMoney,
  alarmAtBasisPoints: z
    .int()
    .min(1)
    .max(10_000)
    .describe('the share of the cap that raises the alarm; 8000 = 80%'),
  raisedAt: IsoInstant,
});
export type NetDebitAlarmRaisedV1 = z.output<typeof NetDebitAlarmRaisedV1>;

export const NetDebitAlarmRaised = defineEvent({
  name: 'NetDebitAlarmRaised',
  service: 'settlement',
  description:
    "A member coop's position passed the alarm share of its net debit cap; it clears once the position falls below.",
  versions: [
    {
      version: 1,
      schema: NetDebitAlarmRaisedV1,
      example: {
        coopId: SETTLEMENT_COOP_A_EXAMPLE,
        parentCoopId: SETTLEMENT_PARENT_EXAMPLE,
        position: { amount: '85000000', currency: 'IDR' },
        netDebitCap: { amount: '100000000', currency: 'IDR' },
        alarmAtBasisPoints: 8000,
        raisedAt: '2026-03-05T05:42:00.000Z',
      },
    },
  ],
});
