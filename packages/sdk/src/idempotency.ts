import { randomUUID } from 'node:crypto';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Methods that change state: each such request carries an Idempotency-Key. */
export function isWrite(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/** A fresh key for one logical write: the same key goes with every retry of it. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
