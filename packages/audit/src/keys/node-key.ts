import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@kopfed/config';
import { signingKeyFromSeed, type SigningKey } from './ed25519';

export const SIGNING_KEY_ENV = 'KOPFED_AUDIT_SIGNING_KEY';
export const SIGNING_KEY_FILE = 'audit-signing.key';

/**
 * The node's checkpoint signing key (Ed25519): `KOPFED_AUDIT_SIGNING_KEY` (the 32-byte seed,
 * base64 or base64url), else `audit-signing.key` in the data directory, created with mode 0600
 * on first use. Its public key is registered in the audit store as a node signer, so a
 * checkpoint signed by any other key fails `verify`.
 */
export function loadNodeSigningKey(dataDir: string, env: NodeJS.ProcessEnv): SigningKey {
  const fromEnv = env[SIGNING_KEY_ENV];
  if (fromEnv !== undefined) {
    const seed = seedOf(fromEnv);
    if (!seed)
      throw new ConfigError([
        {
          variable: SIGNING_KEY_ENV,
          message: 'must be a 32-byte Ed25519 seed in base64 or base64url',
        },
      ]);
    return signingKeyFromSeed(seed);
  }
  const file = join(dataDir, SIGNING_KEY_FILE);
  if (existsSync(file)) return signingKeyFromSeed(decodeSeed(readFileSync(file, 'utf8'), file));
  mkdirSync(dataDir, { recursive: true });
  const seed = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile: then its key is the key.
  try {
    writeFileSync(file, `${seed.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    return signingKeyFromSeed(decodeSeed(readFileSync(file, 'utf8'), file));
  }
  chmodSync(file, 0o600);
  return signingKeyFromSeed(seed);
}

/** A new Ed25519 seed, base64: what an auditor or a primary coop keeps to countersign. */
export function newSeed(): string {
  return randomBytes(32).toString('base64');
}

export function decodeSeed(text: string, source: string): Buffer {
  const seed = seedOf(text);
  if (!seed) throw new Error(`${source}: not a 32-byte Ed25519 seed in base64`);
  return seed;
}

/** The 32-byte seed a text holds (base64 or base64url), or undefined. */
function seedOf(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const seed = Buffer.from(
    trimmed,
    trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64',
  );
  return seed.length === 32 ? seed : undefined;
}
