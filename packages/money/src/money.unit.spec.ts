import fc from 'fast-check';
import {
  add,
  compare,
  CurrencyMismatchError,
  formatRupiah,
  MAX_AMOUNT_MINOR,
  money,
  parseMoney,
  subtract,
  sum,
  toJson,
} from './money';

describe('Money', () => {
  it('parses and writes the JSON form exactly', () => {
    expect(parseMoney({ amount: '1500000', currency: 'IDR' })).toEqual({
      amountMinor: 1_500_000n,
      currency: 'IDR',
    });
    expect(toJson(money(-25n))).toEqual({ amount: '-25', currency: 'IDR' });
    expect(toJson(parseMoney({ amount: '999999999999999999', currency: 'IDR' })).amount).toBe(
      '999999999999999999',
    );
  });

  it('reads back every amount up to MAX_AMOUNT_MINOR, and none past it', () => {
    const json = (amountMinor: bigint) => toJson(money(amountMinor));
    expect(parseMoney(json(MAX_AMOUNT_MINOR)).amountMinor).toBe(MAX_AMOUNT_MINOR);
    expect(parseMoney(json(-MAX_AMOUNT_MINOR)).amountMinor).toBe(-MAX_AMOUNT_MINOR);
    expect(() => parseMoney(json(MAX_AMOUNT_MINOR + 1n))).toThrow(RangeError);
  });

  it.each(['1.5', '1e6', '01', '', ' 1', '+1', '1,000', 'NaN', '1000000000000000000000'])(
    'refuses %j',
    (amount) => {
      expect(() => parseMoney({ amount, currency: 'IDR' })).toThrow(RangeError);
    },
  );

  it('refuses to combine currencies', () => {
    expect(() => add(money(1n, 'IDR'), money(1n, 'USD'))).toThrow(CurrencyMismatchError);
  });

  it('formats rupiah the Indonesian way', () => {
    expect(formatRupiah(1_500_000n)).toBe('Rp1.500.000');
    expect(formatRupiah(0n)).toBe('Rp0');
    expect(formatRupiah(-999n)).toBe('-Rp999');
    expect(formatRupiah(1_000n)).toBe('Rp1.000');
  });

  it('adds and subtracts without losing a rupiah (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n })), (amounts) => {
        const total = sum(amounts.map((a) => money(a)));
        expect(total.amountMinor).toBe(amounts.reduce((a, b) => a + b, 0n));
        const back = amounts.reduce((t, a) => subtract(t, money(a)), total);
        expect(compare(back, money(0n))).toBe(0);
      }),
    );
  });
});
