import { jakartaBusinessDate } from '@kopfed/eventstore';

/** Midnight in Asia/Jakarta (WIB, UTC+7) is 17:00 UTC. */
const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Milliseconds from `now` to the next midnight in Asia/Jakarta. */
export function msUntilJakartaMidnight(now: Date): number {
  const local = now.getTime() + JAKARTA_OFFSET_MS;
  const nextLocalMidnight = Math.floor(local / DAY_MS) * DAY_MS + DAY_MS;
  return nextLocalMidnight - local;
}

/** The business date that ended at the last Jakarta midnight before `now`. */
export function businessDateJustEnded(now: Date): string {
  return jakartaBusinessDate(new Date(now.getTime() - msUntilDayStart(now) - 1));
}

/** The business dates after `after` up to and including `through`, in order. */
export function businessDatesBetween(after: string, through: string): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${after}T00:00:00.000Z`) + DAY_MS; ; day += DAY_MS) {
    const date = new Date(day).toISOString().slice(0, 10);
    if (date > through) return dates;
    dates.push(date);
  }
}

/** The business date before `date`. */
export function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10);
}

function msUntilDayStart(now: Date): number {
  const local = now.getTime() + JAKARTA_OFFSET_MS;
  return local - Math.floor(local / DAY_MS) * DAY_MS;
}
