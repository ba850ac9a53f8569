import type { BusinessDate, MoneyEvent } from '@kopfed/ledger';

/**
 * A money event as the poster takes it. A mirror of an earlier event (a repayment the savings
 * service refused) is dated on that event's date, so the two cancel in every report that
 * spans it. Once that date is closed, the mirror posts on `ifClosedPostOn` (the day it was
 * taken back) instead: periods never reopen, and a closed one is corrected in the open one.
 */
export type MoneyEventToPost = MoneyEvent & { ifClosedPostOn?: BusinessDate };

/** The event dated where it can post in a ledger closed through `closedThrough`. */
export function datedToPost(
  event: MoneyEventToPost,
  closedThrough: BusinessDate | null,
): MoneyEventToPost {
  const { ifClosedPostOn } = event;
  if (ifClosedPostOn === undefined || closedThrough === null) return event;
  if (event.businessDate > closedThrough) return event;
  return { ...event, businessDate: ifClosedPostOn };
}
