import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key is `kpf_<key id: 16 hex>_<secret: 32–128 URL-safe characters>`. Generated keys
 * carry 256 random bits, so a plain SHA-256 is the right way to store them: there is nothing
 * for a slow hash to protect against. The key id is public (logs, URLs); the secret is shown once.
 */
export const API_KEY_PATTERN = /^kpf_([0-9a-f]{16})_([A-Za-z0-9_-]{32,128})$/;
export const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export function generateApiKey(keyId: string = randomBytes(8).toString('hex')): {
  keyId: string;
  token: string;
} {
  return { keyId, token: `kpf_${keyId}_${randomBytes(32).toString('base64url')}` };
}

export function keyIdOf(token: string): string | undefined {
  return API_KEY_PATTERN.exec(token)?.[1];
}

export function hashApiKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares in constant time, so response timing reveals nothing about the stored hash. */
export function matchesHash(token: string, sha256Hex: string): boolean {
  const expected = Buffer.from(sha256Hex, 'hex');
  const actual = createHash('sha256').update(token).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
