import fc from 'fast-check';
import { Decimal } from './decimal';
import { divideFloor, divideHalfUp } from './rounding';

describe('Decimal', () => {
  it('parses and prints exactly', () => {
    expect(Decimal.parse('12.500').toString()).toBe('12.500');
    expect(Decimal.parse('-0.000001').toString()).toBe('-0.000001');
    expect(Decimal.parse('7').toFixedPlaces(2)).toBe('7.00');
    expect(() => Decimal.parse('1e3')).toThrow(RangeError);
  });

  it('rounds half-up (away from zero) when it narrows', () => {
    expect(Decimal.parse('2.5').roundHalfUp()).toBe(3n);
    expect(Decimal.parse('2.4999').roundHalfUp()).toBe(2n);
    expect(Decimal.parse('-2.5').roundHalfUp()).toBe(-3n);
    expect(Decimal.parse('1.005').toFixedPlaces(2)).toBe('1.01');
  });

  it('divides to the asked scale: 12% a year is 1% a month', () => {
    expect(
      Decimal.parse('12')
        .dividedBy(Decimal.integer(12), 10)
        .dividedBy(Decimal.integer(100), 10)
        .toString(),
    ).toBe('0.0100000000');
    expect(Decimal.integer(1).dividedBy(Decimal.integer(3), 6).toString()).toBe('0.333333');
    expect(Decimal.integer(2).dividedBy(Decimal.integer(3), 6).toString()).toBe('0.666667');
  });

  it('raises to whole powers: 1.01^12', () => {
    expect(Decimal.parse('1.01').pow(12, 12).toString()).toBe('1.126825030132');
  });

  it('adds and multiplies like rational arithmetic (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.nat(8),
        fc.nat(8),
        (a, b, sa, sb) => {
          const x = Decimal.of(a, sa);
          const y = Decimal.of(b, sb);
          expect(x.plus(y).minus(y).compare(x)).toBe(0);
          expect(x.times(y).units).toBe(a * b);
        },
      ),
    );
  });
});

describe('integer rounding', () => {
  it.each([
    [5n, 2n, 3n, 2n],
    [-5n, 2n, -3n, -3n],
    [7n, 3n, 2n, 2n],
    [-7n, 3n, -2n, -3n],
    [1n, 2n, 1n, 0n],
  ])('%d / %d: half-up %d, floor %d', (n, d, halfUp, floor) => {
    expect(divideHalfUp(n, d)).toBe(halfUp);
    expect(divideFloor(n, d)).toBe(floor);
  });
});
