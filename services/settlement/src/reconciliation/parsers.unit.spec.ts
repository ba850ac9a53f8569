import { DomainError } from '@kopfed/domain';
import { csvRows, parseCsvStatement } from './csv-statement';
import { parseMt940 } from './mt940';
import { parseAmount } from './statement-line';

describe('bank statement parsers', () => {
  it('reads amounts as banks print them, and refuses fractions of a rupiah', () => {
    expect(parseAmount('1.500.000,00', ',')).toBe(1_500_000n);
    expect(parseAmount('1,500,000.00', '.')).toBe(1_500_000n);
    expect(parseAmount('-250000', '.')).toBe(-250_000n);
    expect(parseAmount('(75.000)', ',')).toBe(-75_000n);
    expect(parseAmount('1.500,50', ',')).toMatch(/fraction/);
    expect(parseAmount('12abc', '.')).toMatch(/not an amount/);
  });

  it('refuses the other separator anywhere but between groups of three digits', () => {
    // A comma-decimal amount under a point-decimal layout is not 100 times itself.
    expect(parseAmount('250,00', '.')).toMatch(/not an amount/);
    expect(parseAmount('1.50', ',')).toMatch(/not an amount/);
    expect(parseAmount('1.5', ',')).toMatch(/not an amount/);
    expect(parseAmount('1,5000', '.')).toMatch(/not an amount/);
    expect(parseAmount(',500', '.')).toMatch(/not an amount/);
    expect(parseAmount('12.345.678', ',')).toBe(12_345_678n);
    expect(parseAmount('12345678,00', ',')).toBe(12_345_678n);
    expect(parseAmount('999', '.')).toBe(999n);
  });

  it('splits CSV as RFC 4180 says: quotes, doubled quotes, delimiters and line breaks inside quotes', () => {
    expect(csvRows('a;"b;c";"say ""hi"""\r\n"multi\nline";2\n\n', ';')).toEqual([
      ['a', 'b;c', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
  });

  it('reads columns by header name or position, with one signed amount column', () => {
    const lines = parseCsvStatement('20261126,STL-1,1000\n20261127,STL-2,-500', {
      delimiter: ',',
      hasHeader: false,
      dateFormat: 'YYYYMMDD',
      decimalSeparator: '.',
      columns: { date: 0, reference: 1, amount: 2 },
    });
    expect(lines.map((l) => [l.valueDate, l.reference, l.amountMinor])).toEqual([
      ['2026-11-26', 'STL-1', '1000'],
      ['2026-11-27', 'STL-2', '-500'],
    ]);
  });

  it('refuses a layout naming a column the file lacks, naming it', () => {
    const parse = () =>
      parseCsvStatement('Tanggal,Jumlah\n2026-11-26,1', {
        delimiter: ',',
        hasHeader: true,
        dateFormat: 'YYYY-MM-DD',
        decimalSeparator: '.',
        columns: { date: 'Tanggal', amount: 'Nominal' },
      });
    expect(parse).toThrow(DomainError);
    expect(parse).toThrow(/no column named "Nominal"/);
  });

  it('reads MT940 statement lines, with credit, debit and reversal marks and their narrative', () => {
    const lines = parseMt940(
      [
        ':20:X',
        ':61:2611261126C1000,00NTRFREF-1//B1',
        ':86:first',
        'continued',
        ':61:261127RD250,NMSCNONREF',
        ':62F:C261127IDR0,',
      ].join('\n'),
    );
    expect(lines.map((l) => [l.valueDate, l.amountMinor, l.reference, l.description])).toEqual([
      ['2026-11-26', '1000', 'REF-1', 'first continued B1'],
      ['2026-11-27', '250', '', ''],
    ]);
    expect(() => parseMt940(':61:garbage')).toThrow(/not an MT940 :61: statement line/);
  });
});
