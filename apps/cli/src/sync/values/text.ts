import { parsed, refused, type Parsed } from './result';

export function requiredText(raw: string, what: string, max: number): Parsed<string> {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '') return refused('missing', `${what} is empty`);
  if (text.length > max) return refused('too_long', `${what} is longer than ${max} characters`);
  return parsed(text);
}

/** L / P as Indonesian forms write it; also the words and M / F. */
export function parseGender(raw: string): Parsed<'female' | 'male'> {
  const text = raw.trim().toLowerCase().replace(/[\s.-]/g, '');
  if (['l', 'lk', 'lakilaki', 'pria', 'm', 'male'].includes(text)) return parsed('male');
  if (['p', 'pr', 'perempuan', 'wanita', 'f', 'female'].includes(text)) return parsed('female');
  return refused('gender_invalid', `"${raw.trim()}" is not L or P`);
}

/** 16 digits; spreadsheets add spaces, dots or a leading apostrophe to keep it as text. */
export function cleanNik(raw: string): string {
  return raw.trim().replace(/^'/, '').replace(/[\s.-]/g, '');
}

/** Optional phone number: 8 to 15 digits, a leading + kept; separators dropped. */
export function parsePhone(raw: string): Parsed<string | undefined> {
  const text = raw.trim().replace(/^'/, '').replace(/[\s().-]/g, '');
  if (text === '') return parsed(undefined);
  if (!/^\+?\d{8,15}$/.test(text)) return refused('phone_invalid', `"${raw.trim()}" is not a phone number`);
  return parsed(text);
}

export function parsePostalCode(raw: string): Parsed<string | undefined> {
  const text = raw.trim();
  if (text === '') return parsed(undefined);
  if (!/^\d{5}$/.test(text)) return refused('postal_code_invalid', `"${text}" is not a 5-digit postal code`);
  return parsed(text);
}

/** A whole number of months (tenor, grace) from "12", "12 bulan". */
export function parseMonths(raw: string, min: number): Parsed<number> {
  const match = /^(\d{1,3})(\s*(bln|bulan|months?))?$/i.exec(raw.trim());
  const months = match ? Number(match[1]) : NaN;
  if (!Number.isInteger(months) || months < min || months > 360) {
    return refused('months_invalid', `"${raw.trim()}" is not a number of months from ${min} to 360`);
  }
  return parsed(months);
}
