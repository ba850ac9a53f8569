import { z } from 'zod';
import { MoneyOut, SettlementModel } from '../shared/schemas';
import { BATCH_STATUSES } from './batch-events';

const Instruction = z.object({
  coopId: z.string(),
  direction: z.enum(['pay', 'receive']),
  amount: MoneyOut,
  counterpartyCoopId: z.string().nullable(),
  reference: z.string(),
});
const ClosedStatus = z.enum(BATCH_STATUSES.filter((s) => s !== 'open') as [string, ...string[]]);

export const BatchOut = z.object({
  batchId: z.string(),
  parentCoopId: z.string(),
  model: SettlementModel,
  currency: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  status: z.enum(BATCH_STATUSES),
  transferCount: z.int(),
  total: MoneyOut,
  closedAt: z.string().nullable(),
  instructions: z.array(Instruction),
  reservations: z.array(
    z.object({ coopId: z.string(), amount: MoneyOut, cover: MoneyOut, shortfall: MoneyOut }),
  ),
  settlements: z.array(
    z.object({
      coopId: z.string(),
      bankReference: z.string(),
      settledOn: z.string(),
      confirmedAt: z.string(),
    }),
  ),
  dispute: z
    .object({
      coopId: z.string(),
      reason: z.string(),
      previousStatus: ClosedStatus,
      disputedAt: z.string(),
    })
    .nullable(),
  timestamps: z.record(z.string(), z.string()),
});

export const PositionsOut = z.object({
  batchId: z.string(),
  status: z.enum(BATCH_STATUSES),
  currency: z.string(),
  positions: z.array(
    z.object({ coopId: z.string(), debits: MoneyOut, credits: MoneyOut, net: MoneyOut }),
  ),
  bilateral: z.array(z.object({ fromCoopId: z.string(), toCoopId: z.string(), amount: MoneyOut })),
  sumOfNets: MoneyOut,
});

export const BatchList = z.object({ items: z.array(BatchOut), next: z.string().nullable() });
