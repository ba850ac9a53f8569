import { formatMoney, formatRupiah, millionsForChart, sumAmounts } from './money';

describe('rupiah formatting', () => {
  it('groups thousands with dots and no decimals', () => {
    expect(formatRupiah('1500000')).toBe('Rp1.500.000');
    expect(formatRupiah('0')).toBe('Rp0');
    expect(formatRupiah('999')).toBe('Rp999');
    expect(formatRupiah('1000')).toBe('Rp1.000');
  });

  it('prints negative positions with the sign before Rp', () => {
    expect(formatRupiah('-250000')).toBe('-Rp250.000');
  });

  it('is exact beyond the range of a float', () => {
    expect(formatRupiah('12345678901234567890')).toBe('Rp12.345.678.901.234.567.890');
    expect(formatRupiah(2n ** 64n + 1n)).toBe('Rp18.446.744.073.709.551.617');
  });

  it('refuses anything that is not an integer amount', () => {
    expect(() => formatRupiah('1.5')).toThrow(/not an integer/);
    expect(() => formatRupiah('1e6')).toThrow(/not an integer/);
    expect(() => formatRupiah('')).toThrow(/not an integer/);
  });

  it('formats other currencies in minor units with their code', () => {
    expect(formatMoney({ amount: '1500000', currency: 'IDR' })).toBe('Rp1.500.000');
    expect(formatMoney({ amount: '-1500', currency: 'USD' })).toBe('-USD 1.500');
  });

  it('sums exactly and scales to millions for charts', () => {
    expect(sumAmounts(['9007199254740993', '1'])).toBe('9007199254740994');
    expect(millionsForChart('1234567')).toBe(1.23);
  });
});
