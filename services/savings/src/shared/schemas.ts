import { z } from 'zod';
import { NonNegativeMoney, PositiveMoney } from '@kopfed/contracts';
import { FUNDS_KINDS } from '../accounts/account-events';

/** Request and response building blocks: every request string is bounded (security suite). */
const ENTITY = /^[A-Za-z0-9_-]{1,64}$/;

export const CoopIdParam = z.string().max(64).regex(ENTITY).meta({ description: 'A coop id.' });
export const EntityId = z.string().max(64).regex(ENTITY);
export const ProductCode = z
  .string()
  .max(32)
  .regex(/^[A-Z0-9_]{1,32}$/)
  .meta({ description: 'The coop’s product code, e.g. SUKARELA or BERJANGKA_12.' });
export const BusinessDate = z.iso
  .date()
  .meta({ description: 'A business date (Asia/Jakarta), YYYY-MM-DD.' });
export const Instant = z.iso.datetime({ offset: true });
export const Text = z.string().min(1).max(200);
export const Funds = z
  .enum(FUNDS_KINDS)
  .meta({ description: 'Where the money came from or went to.' });
export const Amount = PositiveMoney;
export const AmountOrZero = NonNegativeMoney;
export const MoneyView = z.object({ amount: z.string(), currency: z.string() });

export const MaturityInstruction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pay_out'), via: Funds }),
  z.strictObject({ kind: z.literal('roll_over') }),
  z.strictObject({ kind: z.literal('move_to_account'), accountId: EntityId }),
]);

export const Cursor = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_:.-]{1,100}$/)
  .meta({ description: 'The nextCursor of the previous page.' });
export const Limit = z.coerce.number().int().min(1).max(500).default(100);

export const CoopParams = z.strictObject({ coopId: CoopIdParam });
export const AccountParams = z.strictObject({ coopId: CoopIdParam, accountId: EntityId });
