/**
 * Holds each HTTP attempt, its body included, to `timeoutMs` with a timer of the agent's own.
 * The SDK's own limit (an AbortSignal.timeout inside AbortSignal.any) cannot be relied on
 * alone in Node 20: once the collector has taken the timeout signal the composite never
 * aborts, and its timer is unref'd — a request lost on a flaky link then either hangs the
 * sync or lets node exit with code 0 mid-sync, saying nothing (to a script: success). This
 * timer keeps the process alive while an attempt is out, and ends the attempt on time.
 */
export function withAttemptLimit(
  send: typeof globalThis.fetch,
  timeoutMs: number,
): typeof globalThis.fetch {
  return async (input, init) => {
    const attempt = new AbortController();
    const outer = init?.signal;
    const forward = () => attempt.abort(outer?.reason);
    if (outer?.aborted) forward();
    outer?.addEventListener('abort', forward, { once: true });
    const timer = setTimeout(
      () => attempt.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    try {
      const response = await send(input, { ...init, signal: attempt.signal });
      const hasBody = response.status !== 204 && response.status !== 304;
      const bytes = await response.arrayBuffer();
      return new Response(hasBody ? bytes : null, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    }
  };
}
