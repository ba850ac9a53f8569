import { z } from 'zod';
import { defineEvent } from '../../catalog';
import { CoopId, MemberId } from '../../ids';
import { CurrencyCode, PositiveMoney } from '../../money';
import { IsoDate, IsoInstant } from '../../time';
import { SETTLEMENT_COOP_A_EXAMPLE } from './vocabulary';

const Credit = z.strictObject({
  memberId: MemberId,
  amount: PositiveMoney.describe("the member's total share: jasa modal plus jasa usaha"),
});

export const ShuDistributedV1 = z.strictObject({
  coopId: CoopId,
  financialYear: z.int().min(1900).max(9999),
  simulationId: z
    .string()
    .regex(/^\d{4}-\d{1,6}$/)
    .describe('the simulation the RAT approved'),
  currency: CurrencyCode,
  credits: z.array(Credit).max(200_000).describe('members with a share above zero'),
  businessDate: IsoDate.describe('the business day the shares are credited on'),
  distributedAt: IsoInstant,
});
export type ShuDistributedV1 = z.output<typeof ShuDistributedV1>;

export const ShuDistributed = defineEvent({
  name: 'ShuDistributed',
  service: 'settlement',
  description:
    "A coop's SHU (sisa hasil usaha, the year's surplus) approved by the RAT was distributed, once per financial year: each member's share is to be credited to the member's savings.",
  versions: [
    {
      version: 1,
      schema: ShuDistributedV1,
      example: {
        coopId: SETTLEMENT_COOP_A_EXAMPLE,
        financialYear: 2026,
        simulationId: '2026-1',
        currency: 'IDR',
        credits: [
          {
            memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
            amount: { amount: '1250000', currency: 'IDR' },
          },
        ],
        businessDate: '2027-03-15',
        distributedAt: '2027-03-15T03:00:00.000Z',
      },
    },
  ],
});
