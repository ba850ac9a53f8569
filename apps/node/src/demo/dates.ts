/** Business dates as ISO text (YYYY-MM-DD), computed in UTC so no time zone shifts a day. */
const parse = (date: string) => new Date(`${date}T00:00:00Z`);
const format = (date: Date) => date.toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

/** The first day of the month `months` before (negative) or after the date's month. */
export function monthStart(date: string, months: number): string {
  const d = parse(date);
  return format(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)));
}

/** The given day of a month, cut to the month's last day. */
export function dayOfMonth(firstOfMonth: string, day: number): string {
  const d = parse(firstOfMonth);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), Math.min(day, last))));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parse(to).getTime() - parse(from).getTime()) / 86_400_000);
}
