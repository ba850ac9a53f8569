import { rejected } from '@kopfed/domain';
import {
  CoopId,
  IsoDate,
  LoanAnnualRatePercent,
  LoanFunds,
  LoanId,
  LoanMethod,
  LoanProductCode,
  NonNegativeMoney,
  PositiveMoney,
} from '@kopfed/contracts';
import { jakartaBusinessDate } from '@kopfed/eventstore';
import { z } from 'zod';

/** Request pieces every loan route shares; every string is bounded (the security suite checks). */
export const CoopParams = z.strictObject({ coopId: CoopId });
export const LoanParams = z.strictObject({ coopId: CoopId, loanId: LoanId });
export const ProductParams = z.strictObject({ coopId: CoopId, productCode: LoanProductCode });

const idr = <T extends z.ZodType<{ currency: string }>>(schema: T) =>
  schema.refine((m) => m.currency === 'IDR', {
    message: 'kopfed loans are in IDR',
    path: ['currency'],
  });
export const IdrAmount = idr(PositiveMoney);
export const IdrNonNegative = idr(NonNegativeMoney);
export const Day = IsoDate;
export const Funds = LoanFunds;
export const Method = LoanMethod;
export const RatePercent = LoanAnnualRatePercent;
export const Percent = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,2})(\.[0-9]{1,6})?$/)
  .describe('percent, at most 6 decimals');
export const Reason = z.string().min(1).max(200);
export const Months = z.int().min(0).max(360);

/** Money out: `{ amount, currency }` with the amount as a decimal string. */
export const MoneyOut = z.object({ amount: z.string(), currency: z.string() });
export const money = (amountMinor: bigint) => ({ amount: amountMinor.toString(), currency: 'IDR' });

/** Today's business date (Asia/Jakarta). */
export const businessDateOf = (clock: () => Date) => jakartaBusinessDate(clock());

/** A date a client gives for something that has happened: not after today. */
export function notAfterToday(date: string | undefined, today: string, pointer: string): string {
  if (date === undefined) return today;
  if (date > today)
    throw rejected('date_in_future', `${date} is after today's business date ${today}`, pointer);
  return date;
}

export const READ_ROLES = ['coop', 'treasurer', 'auditor', 'admin'] as const;
export const WRITE_ROLES = ['coop', 'treasurer', 'admin'] as const;
export const coopRead = {
  roles: READ_ROLES,
  coopScope: { pathParam: 'coopId' },
} as const;
export const coopWrite = {
  roles: WRITE_ROLES,
  coopScope: { pathParam: 'coopId' },
} as const;
