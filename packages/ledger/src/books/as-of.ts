import type { JournalEntry } from '../journal/entry';
import { instantMs, type BusinessDate } from '../period';

/**
 * Which postings a book includes (BRIEF §4): those effective on or before a business date,
 * and/or those recorded at or before an instant — the books as they stood then, before any
 * later back-dated posting or correction. Both given: both must hold.
 */
export interface AsOf {
  businessDate?: BusinessDate;
  recordedAt?: string;
}

export function entriesAsOf(entries: readonly JournalEntry[], asOf: AsOf = {}): JournalEntry[] {
  const { businessDate, recordedAt } = asOf;
  const recordedMs = recordedAt === undefined ? undefined : instantMs(recordedAt);
  return entries.filter(
    (entry) =>
      (businessDate === undefined || entry.businessDate <= businessDate) &&
      (recordedMs === undefined || instantMs(entry.recordedAt) <= recordedMs),
  );
}

/** Entries dated from `from` to `to`, both inclusive. */
export function entriesBetween(
  entries: readonly JournalEntry[],
  from: BusinessDate,
  to: BusinessDate,
): JournalEntry[] {
  return entries.filter((entry) => entry.businessDate >= from && entry.businessDate <= to);
}
