/**
 * Business dates are Asia/Jakarta calendar dates `YYYY-MM-DD` (BRIEF §4). Being fixed-width,
 * they sort as strings in date order, which the books rely on.
 */
export type BusinessDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function isBusinessDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1900 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

/** A UTC instant ending in `Z`, as events record it. */
export function isInstant(value: string): boolean {
  return INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

/** Milliseconds since the epoch: instants are compared as numbers, not as text. */
export const instantMs = (instant: string): number => Date.parse(instant);

export const yearOf = (date: BusinessDate): number => Number(date.slice(0, 4));

/** A month `YYYY-MM`, or a financial year (the calendar year for an Indonesian koperasi). */
export type Period = { kind: 'month'; month: string } | { kind: 'year'; year: number };

export function isPeriod(period: Period): boolean {
  switch (period.kind) {
    case 'month': {
      const match = MONTH.exec(period.month);
      return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
    }
    case 'year':
      return Number.isInteger(period.year) && period.year >= 1900 && period.year <= 9999;
  }
}

export function periodStart(period: Period): BusinessDate {
  return period.kind === 'month' ? `${period.month}-01` : `${period.year}-01-01`;
}

export function periodEnd(period: Period): BusinessDate {
  if (period.kind === 'year') return `${period.year}-12-31`;
  const [year, month] = period.month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${period.month}-${String(lastDay).padStart(2, '0')}`;
}

export function nextDay(date: BusinessDate): BusinessDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

export const describePeriod = (period: Period): string =>
  period.kind === 'month' ? period.month : String(period.year);
