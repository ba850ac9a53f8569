import { z } from 'zod';
import {
  CoopId,
  CurrencyCode,
  IsoDate,
  IsoInstant,
  NonNegativeMoney,
  PositiveMoney,
  TransferId,
} from '@kopfed/contracts';
import { SETTLEMENT_MODELS } from '../clearing/model';

/** Request building blocks: every string bounded (the security suite checks it). */
export { CoopId, CurrencyCode, IsoDate, IsoInstant, NonNegativeMoney, PositiveMoney, TransferId };

export const EntityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const BatchId = EntityId.describe('settlement batch id');
export const GroupId = EntityId.describe('transfer group id, chosen by the client');
export const Reference = z
  .string()
  .regex(/^[\x20-\x7e]{1,64}$/)
  .describe('printable ASCII, up to 64 characters');
export const Memo = z.string().min(1).max(200);
export const Reason = z.string().min(1).max(500);
export const SettlementModel = z.enum(SETTLEMENT_MODELS);
export const Limit = z.coerce.number().int().min(1).max(500).default(100);
export const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const CoopParams = z.strictObject({ coopId: CoopId });

/** Money in responses: minor units as a decimal string. */
export const MoneyOut = z.object({ amount: z.string(), currency: z.string() });
export type MoneyOut = z.output<typeof MoneyOut>;
/** A bigint in responses: a decimal string. */
export const Minor = z.string().regex(/^-?\d+$/);

export const AsOfQuery = {
  date: IsoDate.optional().describe('the books as effective on this business date'),
  recordedAt: IsoInstant.optional().describe('the books as recorded at this instant'),
};
