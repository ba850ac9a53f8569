import { parsed, refused, type Parsed } from './result';

/**
 * Dates as Indonesian spreadsheets hold them: DD/MM/YYYY (also with - or .), "2 Januari 2024",
 * ISO YYYY-MM-DD (how the Excel reader passes real date cells on), and Excel serial day
 * numbers (serial 1 is 1900-01-01; Excel's 29/02/1900, serial 60, is refused). Two-digit
 * years are refused: the century would be a guess.
 */
// prettier-ignore
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, januari: 1, january: 1,
  feb: 2, februari: 2, february: 2, peb: 2, pebruari: 2,
  mar: 3, maret: 3, march: 3,
  apr: 4, april: 4,
  mei: 5, may: 5,
  jun: 6, juni: 6, june: 6,
  jul: 7, juli: 7, july: 7,
  agu: 8, ags: 8, agt: 8, agustus: 8, aug: 8, august: 8,
  sep: 9, sept: 9, september: 9,
  okt: 10, oktober: 10, oct: 10, october: 10,
  nov: 11, nopember: 11, november: 11,
  des: 12, desember: 12, dec: 12, december: 12,
};
/** Serial 1 is 1900-01-01; 2958465 is 9999-12-31. */
const MAX_EXCEL_SERIAL = 2_958_465;
/** Serial 61 on is days since 1899-12-30; 60 is Excel's 29/02/1900 (Lotus 1-2-3's leap-year bug). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const EXCEL_FICTITIOUS_LEAP_DAY = 60;
const DAY_MS = 86_400_000;

export function parseDate(raw: string): Parsed<string> {
  const text = raw.trim();
  if (text === '') return refused('date_missing', 'the date is empty');
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$/.exec(text);
  if (dmy) return fromParts(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]), text, dmy[3]!.length);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) return fromParts(Number(iso[1]), Number(iso[2]), Number(iso[3]), text, 4);
  const named = /^(\d{1,2})[\s-]+([A-Za-z]+)\.?[\s-]+(\d{2,4})$/.exec(text);
  if (named) {
    const month = MONTHS[named[2]!.toLowerCase()];
    if (month === undefined) return refused('date_invalid', `"${text}": unknown month name`);
    return fromParts(Number(named[3]), month, Number(named[1]), text, named[3]!.length);
  }
  if (/^\d+(\.0+)?$/.test(text)) return fromSerial(Number(text), text);
  return refused('date_invalid', `"${text}" is not a date (use DD/MM/YYYY)`);
}

function fromParts(
  year: number,
  month: number,
  day: number,
  text: string,
  yearDigits: number,
): Parsed<string> {
  if (yearDigits !== 4) return refused('date_invalid', `"${text}": write the year with 4 digits`);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    year >= 1900 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  if (!real) return refused('date_impossible', `"${text}" is not a real date`);
  return parsed(date.toISOString().slice(0, 10));
}

function fromSerial(serial: number, text: string): Parsed<string> {
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_EXCEL_SERIAL) {
    return refused('date_invalid', `"${text}" is not a date (use DD/MM/YYYY)`);
  }
  if (serial === EXCEL_FICTITIOUS_LEAP_DAY) {
    return refused('date_impossible', `"${text}" is 29/02/1900 in Excel, a day that never was`);
  }
  // Before that day Excel counts from 1899-12-31: serial 1 is 1900-01-01.
  const days = serial < EXCEL_FICTITIOUS_LEAP_DAY ? serial + 1 : serial;
  return parsed(new Date(EXCEL_EPOCH_MS + days * DAY_MS).toISOString().slice(0, 10));
}

/** Today's business date in Asia/Jakarta (UTC+7, no daylight saving). */
export function jakartaToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** A date something happened on: a real date, not after today. */
export function parsePastDate(raw: string, today: string): Parsed<string> {
  const date = parseDate(raw);
  if (date.ok && date.value > today) {
    return refused('date_in_future', `${date.value} is after today (${today})`);
  }
  return date;
}
