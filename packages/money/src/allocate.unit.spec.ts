import fc from 'fast-check';
import { allocateLargestRemainder } from './allocate';

describe('allocateLargestRemainder', () => {
  it('gives the leftover units to the largest remainders, ties to the earlier part', () => {
    expect(allocateLargestRemainder(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocateLargestRemainder(10n, [3n, 3n, 4n])).toEqual([3n, 3n, 4n]);
    expect(allocateLargestRemainder(1n, [1n, 2n])).toEqual([0n, 1n]);
  });

  it('always adds up to the total and stays within one unit of the exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc
          .array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 50 })
          .filter((w) => w.some((x) => x > 0n)),
        (total, weights) => {
          const parts = allocateLargestRemainder(total, weights);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          const weightSum = weights.reduce((a, b) => a + b, 0n);
          parts.forEach((part, i) => {
            const exactFloor = (total * weights[i]!) / weightSum;
            expect(part === exactFloor || part === exactFloor + 1n).toBe(true);
          });
        },
      ),
    );
  });
});
