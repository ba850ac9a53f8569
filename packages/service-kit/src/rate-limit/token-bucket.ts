import { LRUCache } from 'lru-cache';

export interface RateLimit {
  /** Sustained requests per second per credential. */
  ratePerSecond: number;
  /** Requests a credential may make at once after being idle. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/** Generous enough that tests and benchmarks never meet it; operators tighten it per node. */
export const DEFAULT_RATE_LIMIT: RateLimit = { ratePerSecond: 2_000, burst: 20_000 };

/**
 * One token bucket per credential, in memory. The map is bounded: past `maxBuckets` the least
 * recently used bucket is dropped, which at worst gives that credential a fresh burst.
 */
export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(
    private readonly limit: RateLimit = DEFAULT_RATE_LIMIT,
    private readonly options: { nowMs?: () => number; maxBuckets?: number } = {},
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new Error('a rate limit needs a positive rate and a burst of at least 1');
    }
    this.buckets = new LRUCache({ max: options.maxBuckets ?? 100_000 });
  }

  take(key: string): RateDecision {
    const now = this.options.nowMs?.() ?? Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, updatedAtMs: now };
    const elapsedMs = Math.max(0, now - bucket.updatedAtMs);
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens + (elapsedMs * this.limit.ratePerSecond) / 1000,
    );
    bucket.updatedAtMs = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / this.limit.ratePerSecond);
    return { allowed: false, retryAfterSeconds: Math.max(1, retryAfterSeconds) };
  }
}
