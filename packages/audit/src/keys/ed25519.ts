import { createPrivateKey, createPublicKey, hash, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys as kopfed writes them: a private key is its 32-byte seed, a public key its
 * 32 raw bytes, both base64url (a public key is exactly a JWK's `x`). A key id is the first
 * 16 bytes of SHA-256 of the raw public key, in hex.
 */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

export const PUBLIC_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;
export const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;

export interface SigningKey {
  keyId: string;
  /** base64url of the 32 raw bytes. */
  publicKey: string;
  /** base64url Ed25519 signature of the UTF-8 text. */
  sign(text: string): string;
}

export function signingKeyFromSeed(seed: Buffer): SigningKey {
  if (seed.length !== KEY_BYTES) throw new RangeError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    keyId: keyIdOf(raw),
    publicKey: raw.toString('base64url'),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64url'),
  };
}

export function keyIdOf(rawPublicKey: Buffer): string {
  return hash('sha256', rawPublicKey, 'hex').slice(0, 32);
}

/** The key id of a base64url public key, or undefined when it is not one. */
export function keyIdOfPublicKey(publicKey: string): string | undefined {
  const raw = decodePublicKey(publicKey);
  return raw && keyIdOf(raw);
}

/** True when `signature` is `publicKey`'s Ed25519 signature of `text`; false for any malformed input. */
export function verifySignature(publicKey: string, text: string, signature: string): boolean {
  const key = publicKeyObject(publicKey);
  if (!key || !SIGNATURE_PATTERN.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length !== SIGNATURE_BYTES) return false;
  return verify(null, Buffer.from(text, 'utf8'), key, bytes);
}

function decodePublicKey(publicKey: string): Buffer | undefined {
  if (!PUBLIC_KEY_PATTERN.test(publicKey)) return undefined;
  const raw = Buffer.from(publicKey, 'base64url');
  return raw.length === KEY_BYTES ? raw : undefined;
}

function publicKeyObject(publicKey: string): KeyObject | undefined {
  const raw = decodePublicKey(publicKey);
  if (!raw) return undefined;
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}
