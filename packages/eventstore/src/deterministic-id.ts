import { hash } from 'node:crypto';

/**
 * A UUID (version 8, RFC 9562's custom layout) derived from a name: the same name always
 * gives the same id, so a retried command lands on the same aggregate and appends the same
 * event ids. SHA-256 of the name's parts, joined by NUL, truncated to 122 bits.
 */
export function deterministicUuid(...parts: readonly string[]): string {
  // One-shot: no Hash object per id (strings are hashed as UTF-8).
  const bytes = hash('sha256', parts.join('\u0000'), 'buffer');
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
