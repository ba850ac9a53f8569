import { timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ApiKeyRecord } from './api-key-projection';
import { matchesHash } from './api-key-token';

export interface VerifiedTokensOptions {
  /** How long a token proven against its hash is taken on a byte comparison alone. */
  ttlMs?: number;
  /** At most this many keys are remembered; past it the least recently verified is dropped. */
  maxEntries?: number;
  nowMs?: () => number;
}

interface Verified {
  /** The very record the token was proven against: the projection replaces it on revocation. */
  record: ApiKeyRecord;
  token: Buffer;
  verifiedAtMs: number;
}

const DEFAULTS = { ttlMs: 60_000, maxEntries: 10_000 };

/**
 * Spares the SHA-256 of a key already proven in this process. An entry holds only while the
 * projection still holds the same record for the key: a revocation (or any other change)
 * replaces the record, so the next request is checked against the hash again and refused at
 * once. The presented token is still compared in constant time, with the one proven.
 * Expiry is the caller's to check on every request, as before.
 */
export class VerifiedTokens {
  private readonly entries: LRUCache<string, Verified>;
  private readonly ttlMs: number;
  private readonly nowMs: () => number;

  constructor(options: VerifiedTokensOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULTS.ttlMs;
    this.entries = new LRUCache({ max: options.maxEntries ?? DEFAULTS.maxEntries });
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Whether `token` is the secret of `key`, whose stored form is its SHA-256. */
  matches(token: string, key: ApiKeyRecord): boolean {
    const now = this.nowMs();
    const presented = Buffer.from(token, 'utf8');
    const entry = this.entries.get(key.keyId);
    if (entry !== undefined) {
      if (entry.record === key && now - entry.verifiedAtMs < this.ttlMs) {
        if (entry.token.length === presented.length && timingSafeEqual(entry.token, presented)) {
          return true;
        }
      } else {
        this.entries.delete(key.keyId);
      }
    }
    if (!matchesHash(token, key.tokenSha256)) return false;
    this.entries.set(key.keyId, { record: key, token: presented, verifiedAtMs: now });
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
