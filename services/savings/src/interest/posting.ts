import { divideHalfUp } from '@kopfed/money';
import { MICRO } from './accrual';

/**
 * Posting rounds what accrued, plus the residue carried from earlier postings, half-up to whole
 * rupiah; what rounding left over (less than half a rupiah either way) is carried to the next
 * posting, so over time the member is paid exactly what accrued.
 */
export interface Posting {
  amount: bigint;
  carriedOutMicro: bigint;
}

export function roundForPosting(accruedMicro: bigint, carriedInMicro: bigint): Posting {
  const total = accruedMicro + carriedInMicro;
  const rounded = divideHalfUp(total, MICRO);
  const amount = rounded > 0n ? rounded : 0n;
  return { amount, carriedOutMicro: total - amount * MICRO };
}
