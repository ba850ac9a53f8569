/**
 * When and how long to wait before trying a request again. Retries are bounded by
 * `maxAttempts`; the wait grows exponentially with full jitter (a random share of the cap,
 * so many clients retrying together spread out), and a server's `Retry-After` is honoured.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` obeyed; a longer one is cut to this. */
  maxRetryAfterMs: number;
  /** Each attempt's time limit, the response body included. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 30_000,
};

/** The longest a Node timer waits: past it, Node fires the timer after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`retry policy ${name} must be a whole number ≥ 0, got ${value}`);
    }
    if (name !== 'maxAttempts' && value > MAX_TIMER_MS) {
      throw new RangeError(`retry policy ${name} must be at most ${MAX_TIMER_MS} ms, got ${value}`);
    }
  }
  if (policy.maxAttempts < 1) throw new RangeError('retry policy maxAttempts must be ≥ 1');
  // AbortSignal.timeout(0) aborts at once: every attempt would fail unanswered.
  if (policy.timeoutMs < 1) throw new RangeError('retry policy timeoutMs must be ≥ 1 ms');
  return policy;
}

/** The wait before attempt `attempt + 1` (attempt counts from 1), in milliseconds. */
export function backoffMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = Math.floor(random() * cap);
  if (retryAfterMs === undefined) return jittered;
  const jitter = Math.floor(random() * policy.baseDelayMs);
  return Math.min(MAX_TIMER_MS, Math.min(policy.maxRetryAfterMs, retryAfterMs) + jitter);
}

/** `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** 5xx (but not "not implemented" or "version not supported") and 429 are worth retrying. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}
