/**
 * Calendar arithmetic on business dates (`YYYY-MM-DD`, Asia/Jakarta) as whole days, so that
 * interest counts days exactly. No clock here: "today" always comes from the caller. Deciders
 * import this file, so it imports nothing: not even @kopfed/eventstore's jakartaBusinessDate,
 * whose package index brings the store's I/O (the decider-does-io rule of lint:deps).
 */
const DAY_MS = 86_400_000;
/** Jakarta (WIB) is UTC+7 all year. */
const JAKARTA_OFFSET_MS = 7 * 3_600_000;

export type IsoDate = string;
/** A calendar month, `YYYY-MM`. */
export type IsoMonth = string;

/** Days since 1970-01-01 (proleptic Gregorian), by integer arithmetic: close of business calls this a lot. */
export function dayNumber(date: IsoDate): number {
  const m = (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48);
  const d = (date.charCodeAt(8) - 48) * 10 + (date.charCodeAt(9) - 48);
  const y = Number(date.slice(0, 4)) - (m <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function fromDayNumber(day: number): IsoDate {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Days from `from` to `to`, both counted: the 1st to the 31st is 31 days. */
export function daysInclusive(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

export function monthOf(date: IsoDate): IsoMonth {
  return date.slice(0, 7);
}

export function firstDayOfMonth(date: IsoDate): IsoDate {
  return `${date.slice(0, 7)}-01`;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function lastDayOfMonth(date: IsoDate): IsoDate {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
  return `${date.slice(0, 8)}${days}`;
}

export function lastDayOfYear(date: IsoDate): IsoDate {
  return `${date.slice(0, 4)}-12-31`;
}

export function nextMonth(month: IsoMonth): IsoMonth {
  const [year, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

/** The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = [
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)),
    Number(date.slice(8, 10)),
  ];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = lastDayOfMonth(target.toISOString().slice(0, 10));
  const clamped = Math.min(day, Number(last.slice(8, 10)));
  return `${last.slice(0, 8)}${String(clamped).padStart(2, '0')}`;
}

export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);
export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);

/** The first instant after a business date ends: midnight in Jakarta (UTC+7) is 17:00 UTC. */
export function endOfBusinessDate(date: IsoDate): string {
  return new Date((dayNumber(date) + 1) * DAY_MS - JAKARTA_OFFSET_MS).toISOString();
}

/** The day last asked for and its date: every command asks for today's, so it is kept. */
let lastDay = Number.NaN;
let lastDate: IsoDate = '';

/** The Jakarta business date an instant falls on. */
export function businessDateOf(instant: string | Date): IsoDate {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  const day = Math.floor((ms + JAKARTA_OFFSET_MS) / DAY_MS);
  if (day !== lastDay) {
    // An instant that is no date (NaN, out of range) throws here, as it always did.
    lastDate = new Date(ms + JAKARTA_OFFSET_MS).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDate;
}
