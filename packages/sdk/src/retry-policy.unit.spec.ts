import fc from 'fast-check';
import { backoffMs, isRetryableStatus, parseRetryAfter, retryPolicy } from './retry-policy';

describe('retry policy', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 });

  it('waits a random share of an exponentially growing cap, never above the maximum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const cap = Math.min(5_000, 100 * 2 ** (attempt - 1));
          const wait = backoffMs(policy, attempt, undefined, () => r);
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThan(cap);
        },
      ),
    );
    expect(backoffMs(policy, 1, undefined, () => 0.999)).toBe(99);
    expect(backoffMs(policy, 4, undefined, () => 0.5)).toBe(400);
    expect(backoffMs(policy, 40, undefined, () => 0.5)).toBe(2_500);
  });

  it('honours Retry-After, bounded by maxRetryAfterMs', () => {
    expect(backoffMs(policy, 1, 2_000, () => 0)).toBe(2_000);
    expect(backoffMs(policy, 1, 2_000, () => 0.5)).toBe(2_050);
    expect(backoffMs(policy, 1, 600_000, () => 0)).toBe(30_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-10T03:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Tue, 10 Mar 2026 03:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Tue, 10 Mar 2026 02:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('retries 429 and 5xx, not 4xx, 501 or 505', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422, 501, 505].some(isRetryableStatus)).toBe(false);
  });

  it('refuses a policy without bounds', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => retryPolicy({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => retryPolicy({ baseDelayMs: 1.5 })).toThrow(/baseDelayMs/);
  });

  it('refuses times a timer cannot keep: no time limit at all, or past 2^31 − 1 ms', () => {
    // Node runs a longer timer after 1 ms, and AbortSignal.timeout(0) aborts every attempt.
    expect(() => retryPolicy({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    for (const name of ['timeoutMs', 'maxDelayMs', 'maxRetryAfterMs', 'baseDelayMs'] as const) {
      expect(() => retryPolicy({ [name]: 2 ** 31 })).toThrow(new RegExp(name));
    }
    expect(retryPolicy({ timeoutMs: 2 ** 31 - 1, maxRetryAfterMs: 2 ** 31 - 1 }).timeoutMs).toBe(
      2 ** 31 - 1,
    );
  });
});
