/** Integer division rounded half away from zero (the "half-up" of rupiah rounding). */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

/** Integer division rounded toward negative infinity. */
export function divideFloor(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const q = numerator / denominator;
  return numerator % denominator !== 0n && numerator < 0n !== denominator < 0n ? q - 1n : q;
}
