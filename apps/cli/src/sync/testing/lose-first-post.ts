/**
 * Preloaded into an agent's process by tests (`spawnAgent`'s `loseFirstPost`, which also gives
 * node --expose-gc): its first POST is lost as a request on a flaky link can be — no answer, no
 * error, no socket left holding the process open — and the collector runs while it is out, so
 * only a time limit that survives both ends it.
 */
const send = globalThis.fetch;
let lost = false;

globalThis.fetch = (input, init) => {
  if (lost || init?.method !== 'POST') return send(input, init);
  lost = true;
  setImmediate(() => (globalThis as { gc?: () => void }).gc?.());
  const signal = init.signal;
  return new Promise((_, fail) =>
    signal?.addEventListener('abort', () => fail(asError(signal.reason)), { once: true }),
  );
};

/** An attempt's time limit aborts with a DOMException (an Error); anything else is wrapped. */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
