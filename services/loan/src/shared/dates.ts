/**
 * Calendar dates `YYYY-MM-DD` as plain strings (business dates are Asia/Jakarta dates). The
 * arithmetic here is on day numbers only: no clock, no time zone, so deciders may use it.
 */
const DAY_MS = 86_400_000;
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const match = PATTERN.exec(date);
  if (!match) throw new RangeError(`not a date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function format(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01. */
export function dayNumber(date: string): number {
  let days = DAY_NUMBERS.get(date);
  if (days === undefined) {
    const [year, month, day] = parts(date);
    days = Date.UTC(year, month - 1, day) / DAY_MS;
    if (DAY_NUMBERS.size < 100_000) DAY_NUMBERS.set(date, days);
  }
  return days;
}

/** The same few thousand dates (due dates, business dates) are counted for every loan. */
const DAY_NUMBERS = new Map<string, number>();

export function fromDayNumber(days: number): string {
  const d = new Date(days * DAY_MS);
  return format(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** `to − from` in days. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The due date `months` months after `anchor`: the anchor's day of month in that month, or
 * the month's last day when it has no such day (31 January → 28 February → 31 March).
 */
export function monthsAfter(anchor: string, months: number): string {
  return monthlyDueDates(anchor)(months);
}

/** `monthsAfter` for one anchor, parsed once: a schedule asks for up to 360 dates. */
export function monthlyDueDates(anchor: string): (months: number) => string {
  const [year, month, day] = parts(anchor);
  return (months) => {
    const index = year * 12 + (month - 1) + months;
    const targetYear = Math.floor(index / 12);
    const targetMonth = (index % 12) + 1;
    const last = targetMonth === 2 ? (isLeap(targetYear) ? 29 : 28) : MONTH_DAYS[targetMonth - 1]!;
    return format(targetYear, targetMonth, Math.min(day, last));
  };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export const laterOf = (a: string, b: string): string => (a >= b ? a : b);
