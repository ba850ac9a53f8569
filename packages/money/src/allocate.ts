/**
 * Splits `total` minor units in proportion to `weights` so that the parts add up to the
 * total exactly: each part is floored, and the units left over go one each to the parts
 * with the largest fractional remainders; ties go to the earlier part (callers order parts
 * by their tie-break key, e.g. ascending member number for SHU).
 */
export function allocateLargestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new RangeError('allocate a non-negative total');
  if (weights.some((w) => w < 0n)) throw new RangeError('weights must not be negative');
  const weightSum = weights.reduce((a, b) => a + b, 0n);
  if (weights.length === 0) {
    if (total !== 0n) throw new RangeError('nothing to allocate to');
    return [];
  }
  if (weightSum === 0n) throw new RangeError('weights sum to zero');
  const parts = weights.map((w) => (total * w) / weightSum);
  const remainders = weights.map((w, index) => ({ index, remainder: (total * w) % weightSum }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (let i = 0; left > 0n; i++, left--) parts[remainders[i]!.index]! += 1n;
  return parts;
}
