import { PROVINCE_CODES } from '@kopfed/contracts';

/**
 * NIK (Nomor Induk Kependudukan), 16 digits: province 2, regency 2, district 2, birth day 2
 * (+40 for women), birth month 2, birth year 2, serial 4. There is no check digit, so what
 * can be checked is the structure, the province (Kemendagri's codes; 93–96 are the Papua
 * provinces of 2022 and older NIKs there keep 91 or 92, so all are valid), a real date, and
 * agreement with the birth date and gender the coop recorded.
 */
export type NikProblem =
  | 'not_16_digits'
  | 'unknown_province'
  | 'no_regency'
  | 'no_district'
  | 'impossible_date'
  | 'no_serial'
  | 'birth_date_mismatch'
  | 'gender_mismatch';

export interface NikParts {
  province: string;
  regency: string;
  district: string;
  birthDay: number;
  birthMonth: number;
  /** Two digits: the century is not in the NIK. */
  birthYear2: number;
  gender: 'female' | 'male';
  serial: string;
}

const PROVINCES: ReadonlySet<string> = new Set(PROVINCE_CODES);

export function parseNik(
  nik: string,
): { ok: true; parts: NikParts } | { ok: false; problem: NikProblem } {
  if (!/^\d{16}$/.test(nik)) return { ok: false, problem: 'not_16_digits' };
  const province = nik.slice(0, 2);
  if (!PROVINCES.has(province)) return { ok: false, problem: 'unknown_province' };
  if (nik.slice(2, 4) === '00') return { ok: false, problem: 'no_regency' };
  if (nik.slice(4, 6) === '00') return { ok: false, problem: 'no_district' };
  const dayField = Number(nik.slice(6, 8));
  const gender = dayField > 40 ? 'female' : 'male';
  const birthDay = gender === 'female' ? dayField - 40 : dayField;
  const birthMonth = Number(nik.slice(8, 10));
  const birthYear2 = Number(nik.slice(10, 12));
  if (!dateExistsInSomeCentury(birthDay, birthMonth, birthYear2))
    return { ok: false, problem: 'impossible_date' };
  if (nik.slice(12) === '0000') return { ok: false, problem: 'no_serial' };
  return {
    ok: true,
    parts: {
      province,
      regency: nik.slice(2, 4),
      district: nik.slice(4, 6),
      birthDay,
      birthMonth,
      birthYear2,
      gender,
      serial: nik.slice(12),
    },
  };
}

/** Validates a NIK against the person's recorded birth date (YYYY-MM-DD) and gender. */
export function validateNik(
  nik: string,
  birthDate: string,
  gender: 'female' | 'male',
): NikProblem | undefined {
  const parsed = parseNik(nik);
  if (!parsed.ok) return parsed.problem;
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const { parts } = parsed;
  if (parts.birthDay !== day || parts.birthMonth !== month || parts.birthYear2 !== year % 100) {
    return 'birth_date_mismatch';
  }
  if (parts.gender !== gender) return 'gender_mismatch';
  return undefined;
}

/** 29 February exists only in leap years: accept it when either century makes it real. */
function dateExistsInSomeCentury(day: number, month: number, year2: number): boolean {
  return [1900 + year2, 2000 + year2].some((year) => {
    const date = new Date(Date.UTC(year, month - 1, day));
    return (
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day
    );
  });
}

export const NIK_PROBLEM_TEXT: Record<NikProblem, string> = {
  not_16_digits: 'a NIK is exactly 16 digits',
  unknown_province: 'the first two digits are not a province code (Kemendagri)',
  no_regency: 'digits 3–4 (regency) cannot be 00',
  no_district: 'digits 5–6 (district) cannot be 00',
  impossible_date: 'digits 7–12 are not a real date (day, +40 for women; month; year)',
  no_serial: 'the last four digits (serial) cannot be 0000',
  birth_date_mismatch: 'the date in the NIK does not match the birth date',
  gender_mismatch: 'the day in the NIK (+40 for women) does not match the gender',
};
