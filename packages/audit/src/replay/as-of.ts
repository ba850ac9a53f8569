import { isBusinessDate, isInstant } from '@kopfed/ledger';
import { jakartaBusinessDate } from '@kopfed/eventstore';

/**
 * The moment a replay rebuilds the books at (BRIEF §4): effective on a business date
 * (Asia/Jakarta, every posting dated on or before it, whenever recorded), or as recorded at an
 * instant (every event recorded by then: the books as they stood, before later back-dated
 * postings and corrections). The SHU statement runs from 1 January of that date's year to it.
 */
export type ReplayAsOf =
  | { kind: 'business-date'; businessDate: string }
  | { kind: 'instant'; recordedAt: string; businessDate: string };

export function parseAsOf(text: string): ReplayAsOf {
  if (isBusinessDate(text)) return { kind: 'business-date', businessDate: text };
  if (isInstant(text))
    return {
      kind: 'instant',
      recordedAt: new Date(text).toISOString(),
      businessDate: jakartaBusinessDate(new Date(text)),
    };
  throw new RangeError(
    `--as-of ${text}: give a business date YYYY-MM-DD or a UTC instant such as 2026-12-31T16:59:59Z`,
  );
}
