import fc from 'fast-check';
import { Money, money, NonNegativeMoney, parseMoney, PositiveMoney } from './money';

describe('Money', () => {
  it('is an integer number of minor units as a decimal string, with a currency', () => {
    expect(money(1_500_000n)).toEqual({ amount: '1500000', currency: 'IDR' });
    expect(money(-250n, 'USD')).toEqual({ amount: '-250', currency: 'USD' });
    expect(parseMoney({ amount: '1500000', currency: 'IDR' })).toEqual({
      amountMinor: 1_500_000n,
      currency: 'IDR',
    });
  });

  it('round-trips every amount of up to 18 digits exactly', () => {
    const bound = 10n ** 18n - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: -bound, max: bound }), (amountMinor) => {
        expect(parseMoney(money(amountMinor)).amountMinor).toBe(amountMinor);
      }),
    );
  });

  it.each([
    ['1.5', 'a fraction'],
    ['1e6', 'an exponent'],
    ['007', 'leading zeros'],
    ['-0', 'a negative zero'],
    ['+5', 'a plus sign'],
    [' 5', 'spaces'],
    ['', 'nothing'],
    ['1000000000000000000', '19 digits'],
  ])('refuses %j (%s)', (amount) => {
    expect(Money.safeParse({ amount, currency: 'IDR' }).success).toBe(false);
  });

  it('refuses a number amount, a bad currency and extra fields', () => {
    expect(Money.safeParse({ amount: 1500000, currency: 'IDR' }).success).toBe(false);
    expect(Money.safeParse({ amount: '1', currency: 'idr' }).success).toBe(false);
    expect(Money.safeParse({ amount: '1', currency: 'RUPIAH' }).success).toBe(false);
    expect(Money.safeParse({ amount: '1', currency: 'IDR', scale: 2 }).success).toBe(false);
  });

  it('throws instead of building money out of range', () => {
    expect(() => money(10n ** 18n)).toThrow(RangeError);
    expect(() => money(1n, 'rupiah')).toThrow(RangeError);
    expect(() => parseMoney({ amount: '1.00', currency: 'IDR' })).toThrow();
  });

  it('has non-negative and positive variants', () => {
    const ok = (schema: typeof Money, amount: string) =>
      schema.safeParse({ amount, currency: 'IDR' }).success;
    expect([
      ok(NonNegativeMoney, '0'),
      ok(NonNegativeMoney, '5'),
      ok(NonNegativeMoney, '-5'),
    ]).toEqual([true, true, false]);
    expect([ok(PositiveMoney, '0'), ok(PositiveMoney, '5'), ok(PositiveMoney, '-5')]).toEqual([
      false,
      true,
      false,
    ]);
  });
});
