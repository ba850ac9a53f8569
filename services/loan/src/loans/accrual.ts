import { divideHalfUp } from '@kopfed/money';
import { daysBetween } from '../shared/dates';
import type { Installment } from './loan-state';

/**
 * Interest earned through the end of `date`, in whole rupiah: every installment due by then,
 * plus the installment in progress pro rata by days from its start to its due date. Computed
 * exactly and rounded half-up once, so the accruals posted so far always add up to the rounded
 * exact total (the residue is carried), and reach each installment's interest on its due date.
 */
export function interestEarnedThrough(installments: readonly Installment[], date: string): bigint {
  let earned = 0n;
  for (const i of installments) {
    if (i.dueDate <= date) {
      earned += i.interest;
      continue;
    }
    if (i.startDate >= date) break;
    const period = BigInt(daysBetween(i.startDate, i.dueDate));
    const elapsed = BigInt(daysBetween(i.startDate, date));
    return earned + divideHalfUp(i.interest * elapsed, period);
  }
  return earned;
}
