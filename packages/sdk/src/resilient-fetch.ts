import { setTimeout as sleep } from 'node:timers/promises';
import { IDEMPOTENCY_KEY_HEADER, isWrite, newIdempotencyKey } from './idempotency';
import { PROBLEM_CONTENT_TYPE } from './problem-error';
import { backoffMs, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry-policy';

export type FetchLike = (input: Request) => Promise<Response>;

/** What a caller may watch: each retry, with why it happens and how long it waits. */
export interface RetryEvent {
  method: string;
  url: string;
  attempt: number;
  waitMs: number;
  reason: string;
}

export interface ResilientFetchOptions {
  policy: RetryPolicy;
  fetch?: typeof globalThis.fetch;
  onRetry?: (event: RetryEvent) => void;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Thrown when every attempt failed without any answer from the server. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`no answer after ${attempts} attempts: ${describe(lastError)}`, { cause: lastError });
  }
}

/**
 * A fetch that makes one logical request survive a flaky link: it gives a write its
 * Idempotency-Key once (kept for every attempt, so the server recognises a retry of a POST
 * whose answer was lost), reads each answer in full inside the attempt's time limit (a cut
 * body is a failed attempt), and retries network errors, timeouts, 5xx, 429 and a key still
 * in progress, with bounded exponential backoff and jitter, honouring Retry-After.
 */
export function resilientFetch(options: ResilientFetchOptions): FetchLike {
  const send = options.fetch ?? globalThis.fetch;
  const pause = options.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const { policy } = options;
  return async (request) => {
    const headers = new Headers(request.headers);
    if (isWrite(request.method) && !headers.has(IDEMPOTENCY_KEY_HEADER)) {
      headers.set(IDEMPOTENCY_KEY_HEADER, newIdempotencyKey());
    }
    const body = request.body ? await request.arrayBuffer() : undefined;
    let lastError: unknown;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const limit = attemptLimit(request.signal, policy.timeoutMs);
      let retryAfterMs: number | undefined;
      let reason: string;
      try {
        const response = await send(request.url, { method: request.method, headers, body, signal: limit.signal });
        const buffered = await bufferedResponse(response);
        const retry = await retryReason(buffered);
        if (retry === undefined || attempt === policy.maxAttempts) return buffered;
        reason = retry;
        retryAfterMs = parseRetryAfter(buffered.headers.get('Retry-After'));
      } catch (error) {
        if (request.signal.aborted) throw error;
        lastError = error;
        reason = describe(error);
      } finally {
        limit.end();
      }
      if (attempt === policy.maxAttempts) break;
      const waitMs = backoffMs(policy, attempt, retryAfterMs, options.random);
      options.onRetry?.({ method: request.method, url: request.url, attempt, waitMs, reason });
      await pause(waitMs, request.signal);
    }
    throw new RetriesExhaustedError(policy.maxAttempts, lastError);
  };
}

/**
 * One attempt's signal: aborted by the caller's, or after `timeoutMs` (a TimeoutError). Its
 * own timer, not `AbortSignal.any([..., AbortSignal.timeout(ms)])`: on Node 20 a timeout signal
 * that only the combined one refers to can be garbage-collected, and the attempt then never
 * times out; nor does that timer keep the process alive, so a script with nothing else to do
 * exited in the middle of a request. `end` clears it once the answer (body included) is in.
 */
function attemptLimit(outer: AbortSignal, timeoutMs: number): { signal: AbortSignal; end: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer.reason);
  const timer = setTimeout(
    () => controller.abort(new DOMException(`the attempt took longer than ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    end: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

async function bufferedResponse(response: Response): Promise<Response> {
  const bytes = await response.arrayBuffer();
  const hasBody = response.status !== 204 && response.status !== 304;
  return new Response(hasBody ? bytes : null, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

async function retryReason(response: Response): Promise<string | undefined> {
  if (isRetryableStatus(response.status)) return `HTTP ${response.status}`;
  if (response.status !== 409) return undefined;
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!contentType.includes(PROBLEM_CONTENT_TYPE)) return undefined;
  const text = await response.clone().text();
  return Object.entries(RETRYABLE_CONFLICTS).find(([code]) => text.includes(`"${code}"`))?.[1];
}

/** Conflicts that only say "not yet": the same request, sent again, goes through. */
const RETRYABLE_CONFLICTS: Record<string, string> = {
  'idempotency-key-in-progress': 'idempotency key in progress',
  member_batch_in_progress: 'another member batch of the coop in progress',
  member_busy: 'a write of the same member in progress',
};

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}
