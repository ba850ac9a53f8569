import fc from 'fast-check';
import { jakartaToday, parseDate, parsePastDate } from './dates';
import { accountId } from './identifiers';
import { parseRupiah, positiveRupiah } from './rupiah';
import { cleanNik, parseGender, parseMonths, parsePhone } from './text';

const value = <T>(r: { ok: true; value: T } | { ok: false; code: string }) =>
  r.ok ? r.value : `!${r.code}`;

describe('rupiah from a spreadsheet cell', () => {
  it('reads the usual ways of writing whole rupiah', () => {
    for (const [cell, amount] of [
      ['1500000', 1_500_000n],
      ['1.500.000', 1_500_000n],
      ['Rp1.500.000', 1_500_000n],
      ['Rp 1.500.000,00', 1_500_000n],
      ['1,500,000', 1_500_000n],
      ['IDR 2.500', 2_500n],
      ['750', 750n],
      ['0', 0n],
    ] as const) {
      expect([cell, value(parseRupiah(cell))]).toEqual([cell, amount]);
    }
  });

  it('refuses fractions of a rupiah, negatives and non-amounts, saying why', () => {
    for (const [cell, code] of [
      ['550.000,25', 'amount_fractional'],
      ['1.5', 'amount_fractional'],
      ['10,50', 'amount_fractional'],
      ['-100.000', 'amount_not_positive'],
      ['(100.000)', 'amount_not_positive'],
      ['seratus ribu', 'amount_invalid'],
      ['1.50.000', 'amount_invalid'],
      ['', 'amount_missing'],
      ['1234567890123456789', 'amount_too_large'],
    ] as const) {
      expect([cell, value(parseRupiah(cell))]).toEqual([cell, `!${code}`]);
    }
    expect(value(positiveRupiah('0'))).toBe('!amount_not_positive');
  });

  it('reads back any whole amount written with dot groups', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (n) => {
        const grouped = n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
        expect(value(parseRupiah(`Rp${grouped}`))).toBe(n);
      }),
    );
  });
});

describe('dates from a spreadsheet cell', () => {
  it('reads DD/MM/YYYY, ISO, Indonesian month names and Excel serial numbers', () => {
    for (const [cell, iso] of [
      ['02/01/2023', '2023-01-02'],
      ['2-1-2023', '2023-01-02'],
      ['29.02.2024', '2024-02-29'],
      ['2023-01-02', '2023-01-02'],
      ['17 Agustus 1945', '1945-08-17'],
      ['1 Mei 2024', '2024-05-01'],
      ['45292', '2024-01-01'],
      ['1', '1900-01-01'],
      ['59', '1900-02-28'],
      ['61', '1900-03-01'],
    ] as const) {
      expect([cell, value(parseDate(cell))]).toEqual([cell, iso]);
    }
  });

  it('refuses impossible dates, two-digit years and dates after today', () => {
    for (const [cell, code] of [
      ['31/04/2023', 'date_impossible'],
      ['29/02/2023', 'date_impossible'],
      ['31/13/2024', 'date_impossible'],
      ['02/01/23', 'date_invalid'],
      ['1 Brumaire 2024', 'date_invalid'],
      ['kemarin', 'date_invalid'],
      ['', 'date_missing'],
      // Excel's serial 60 is 29 February 1900, a day that never was (Lotus 1-2-3's leap-year bug).
      ['60', 'date_impossible'],
    ] as const) {
      expect([cell, value(parseDate(cell))]).toEqual([cell, `!${code}`]);
    }
    expect(value(parsePastDate('29/11/2026', '2026-11-28'))).toBe('!date_in_future');
    expect(value(parsePastDate('28/11/2026', '2026-11-28'))).toBe('2026-11-28');
  });

  it('takes today in Asia/Jakarta', () => {
    expect(jakartaToday(new Date('2026-11-28T16:59:59Z'))).toBe('2026-11-28');
    expect(jakartaToday(new Date('2026-11-28T17:00:00Z'))).toBe('2026-11-29');
  });
});

describe('other cells', () => {
  it('cleans NIKs kept as text, reads L/P, phones and months', () => {
    expect(cleanNik("'3374 0252.0385-0001")).toBe('3374025203850001');
    expect([
      value(parseGender('L')),
      value(parseGender('Perempuan')),
      value(parseGender('X')),
    ]).toEqual(['male', 'female', '!gender_invalid']);
    expect([value(parsePhone('0812-2345-6789')), value(parsePhone('12'))]).toEqual([
      '081223456789',
      '!phone_invalid',
    ]);
    expect([value(parseMonths('12 bulan', 1)), value(parseMonths('0', 1))]).toEqual([
      12,
      '!months_invalid',
    ]);
  });

  it('prefixes account numbers with the coop, hashing what an id cannot hold', () => {
    expect(accountId('ksp-a', 'SS-0001')).toBe('ksp-a-SS-0001');
    expect(accountId('ksp-a', 'SS 0001/A')).toBe('ksp-a-SS_0001_A');
    const long = accountId('ksp-a', 'X'.repeat(80));
    expect(long).toMatch(/^ksp-a-[0-9a-f]{40}$/);
    expect(accountId('ksp-a', 'X'.repeat(81))).not.toBe(long);
  });
});
