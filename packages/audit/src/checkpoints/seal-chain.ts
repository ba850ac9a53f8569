import { createHash, type Hash as HashStream } from 'node:crypto';

/**
 * The event store's seal chain, restated here so that `verify` checks the store's arithmetic
 * instead of reusing it: seal(batch k) = SHA-256(seal(batch k-1) ‖ Σ (canonical text ‖ "\n")),
 * the first batch chaining to 64 zeros (packages/eventstore/src/seal.ts; a spec test holds
 * the two together).
 */
export function sealTexts(previousSeal: string, canonicalTexts: readonly string[]): string {
  const seal = startSeal(previousSeal);
  for (const text of canonicalTexts) addToSeal(seal, text);
  return seal.digest('hex');
}

export function startSeal(previousSeal: string): HashStream {
  return createHash('sha256').update(previousSeal, 'utf8');
}

export function addToSeal(seal: HashStream, canonicalText: string): void {
  seal.update(canonicalText, 'utf8');
  seal.update('\n', 'utf8');
}
