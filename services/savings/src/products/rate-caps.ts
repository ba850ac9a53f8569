import type { IsoDate } from '../shared/dates';

/**
 * The highest interest rate a coop may pay on savings, as data with an effective date
 * (BRIEF §5). Permenkop 8/2023 Ps. 26 caps it at 9% a year. The table begins with that
 * regulation; a later cap is a new row, and a product's rate is judged by the cap in force on
 * the date its rate takes effect.
 */
export interface RateCap {
  effectiveFrom: IsoDate;
  maxRateBasisPoints: number;
  source: string;
}

export const SAVINGS_RATE_CAPS: readonly RateCap[] = [
  { effectiveFrom: '2023-01-01', maxRateBasisPoints: 900, source: 'Permenkop 8/2023 Ps. 26' },
];

/** The cap in force on `date`; dates before the table's first row take its first row. */
export function rateCapOn(date: IsoDate, caps = SAVINGS_RATE_CAPS): RateCap {
  let found = caps[0]!;
  for (const cap of caps) if (cap.effectiveFrom <= date) found = cap;
  return found;
}
