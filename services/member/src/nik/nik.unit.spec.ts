import { parseNik, validateNik, type NikProblem } from './nik';

describe('NIK validation', () => {
  const valid: Array<[string, string, string, 'female' | 'male']> = [
    ['man born 17 Aug 1985 in Jawa Tengah', '3374021708850001', '1985-08-17', 'male'],
    ['woman born 17 Aug 1985 (day + 40)', '3374025708850002', '1985-08-17', 'female'],
    ['woman born 1 Jan 2001 in DKI Jakarta', '3171014101010003', '2001-01-01', 'female'],
    ['man born 29 Feb 2000 (leap year)', '3201012902000004', '2000-02-29', 'male'],
    ['woman born 31 Dec 1999 in Papua Selatan (93)', '9301017112990005', '1999-12-31', 'female'],
    ['man in Papua (91), NIK issued before 2022', '9101010101700006', '1970-01-01', 'male'],
    ['man in Aceh (11)', '1101011506600007', '1960-06-15', 'male'],
  ];
  it.each(valid)('accepts a %s', (_, nik, birthDate, gender) => {
    expect(validateNik(nik, birthDate, gender)).toBeUndefined();
  });

  const invalid: Array<[string, string, string, 'female' | 'male', NikProblem]> = [
    ['too short', '337402170885001', '1985-08-17', 'male', 'not_16_digits'],
    ['too long', '33740217088500011', '1985-08-17', 'male', 'not_16_digits'],
    ['letters', '33740217O8850001', '1985-08-17', 'male', 'not_16_digits'],
    ['spaces', '3374 0217 0885 01', '1985-08-17', 'male', 'not_16_digits'],
    ['unknown province 20', '2074021708850001', '1985-08-17', 'male', 'unknown_province'],
    ['unknown province 97', '9774021708850001', '1985-08-17', 'male', 'unknown_province'],
    ['unknown province 00', '0074021708850001', '1985-08-17', 'male', 'unknown_province'],
    ['regency 00', '3300021708850001', '1985-08-17', 'male', 'no_regency'],
    ['district 00', '3374001708850001', '1985-08-17', 'male', 'no_district'],
    ['day 32', '3374023208850001', '1985-08-17', 'male', 'impossible_date'],
    ['day 00', '3374020008850001', '1985-08-17', 'male', 'impossible_date'],
    ['female day 72', '3374027208850001', '1985-08-17', 'female', 'impossible_date'],
    ['month 13', '3374021713850001', '1985-08-17', 'male', 'impossible_date'],
    ['30 February', '3374023002850001', '1985-02-28', 'male', 'impossible_date'],
    [
      '29 February of a year that is never leap (…01)',
      '3374022902010001',
      '2001-02-28',
      'male',
      'impossible_date',
    ],
    ['serial 0000', '3374021708850000', '1985-08-17', 'male', 'no_serial'],
    ['date not the birth date', '3374021708850001', '1985-08-18', 'male', 'birth_date_mismatch'],
    ['year not the birth year', '3374021708850001', '1986-08-17', 'male', 'birth_date_mismatch'],
    ['male NIK for a woman', '3374021708850001', '1985-08-17', 'female', 'gender_mismatch'],
    ['female NIK for a man', '3374025708850002', '1985-08-17', 'male', 'gender_mismatch'],
  ];
  it.each(invalid)('refuses %s', (_, nik, birthDate, gender, problem) => {
    expect(validateNik(nik, birthDate, gender)).toBe(problem);
  });

  it('reads the parts', () => {
    expect(parseNik('3374025708850002')).toEqual({
      ok: true,
      parts: {
        province: '33',
        regency: '74',
        district: '02',
        birthDay: 17,
        birthMonth: 8,
        birthYear2: 85,
        gender: 'female',
        serial: '0002',
      },
    });
  });
});
