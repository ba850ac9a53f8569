/**
 * States what the code believes must hold. A broken invariant stops the operation instead
 * of corrupting the books (TigerBeetle's TIGER_STYLE).
 */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantViolation(message);
}

export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

/** The `default` of an exhaustive switch: a compile error when a case is missing. */
export function unreachable(value: never, what = 'value'): never {
  throw new InvariantViolation(`unexpected ${what}: ${JSON.stringify(value)}`);
}
