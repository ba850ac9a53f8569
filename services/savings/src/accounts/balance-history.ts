import { balanceOn, type BalanceBreakpoint } from '../interest/accrual';
import { addDays, maxDate, type IsoDate } from '../shared/dates';

/**
 * The closing balance of each day not yet paid interest, as breakpoints. A change dated on or
 * before the last posting counts from the day after it: interest already posted is never
 * recomputed (a back-dated sync item earns from the first day still open).
 */
export interface InterestTrack {
  /** Interest has been posted for every day up to and including this one. */
  postedThrough: IsoDate;
  breakpoints: BalanceBreakpoint[];
  carriedMicro: bigint;
  /** Interest and tax posted in the latest month that had a posting (PP 15/2009 is monthly). */
  lastMonth: { month: string; gross: bigint; tax: bigint } | null;
}

export function applyChange(
  track: InterestTrack,
  on: IsoDate,
  delta: bigint,
  keepHistory: boolean,
): InterestTrack {
  if (delta === 0n) return track;
  const from = maxDate(on, addDays(track.postedThrough, 1));
  const points = [...track.breakpoints];
  if (!points.some((p) => p.from === from)) {
    points.push({ from, balance: balanceOn(points, from) });
    points.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  }
  const changed = points.map((p) =>
    p.from >= from ? { from: p.from, balance: p.balance + delta } : p,
  );
  return { ...track, breakpoints: keepHistory ? changed : [changed.at(-1)!] };
}

/** After a posting through `periodEnd`: forget the days it covered. */
export function afterPosting(
  track: InterestTrack,
  periodEnd: IsoDate,
  carriedMicro: bigint,
): InterestTrack {
  const next = addDays(periodEnd, 1);
  const later = track.breakpoints.filter((p) => p.from > next);
  return {
    ...track,
    postedThrough: periodEnd,
    carriedMicro,
    breakpoints: [{ from: next, balance: balanceOn(track.breakpoints, next) }, ...later],
  };
}
