import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';

/** How long a stopping process lets its open connections finish before cutting them (ms). */
export const SHUTDOWN_GRACE_MS = 10_000;
/** How long a stopping process leaves an idle kept-alive connection open for one last request. */
const IDLE_LINGER_MS = 1_000;

/**
 * Readies `server` for a graceful stop; the function returned stops it. Stopping takes no new
 * connection; a request in flight, or arriving on a kept-alive connection meanwhile, is
 * answered with `Connection: close`, so each connection ends after its current response.
 * A connection idle for `idleLingerMs` (1 s) is closed, and any still open after `graceMs` cut.
 * Resolves once no connection is left.
 *
 * Node's `server.close()` alone does neither: it waits forever for a client that keeps
 * sending, and it closes idle connections at once, resetting a request already on its way.
 */
export function drainOnClose(
  server: Server,
): (graceMs?: number, idleLingerMs?: number) => Promise<{ forced: boolean }> {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let lingering = true;
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  // Ahead of the app's listener, so that an answer it sends at once also closes.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) closeAfter(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // A response whose headers left before the drain began leaves its connection idle.
    res.once('finish', () => {
      if (draining && !lingering) setImmediate(() => server.closeIdleConnections());
    });
  });
  return (graceMs = SHUTDOWN_GRACE_MS, idleLingerMs = IDLE_LINGER_MS) =>
    new Promise((resolve) => {
      draining = true;
      for (const res of inFlight) closeAfter(res);
      let forced = false;
      const linger = setTimeout(
        () => {
          lingering = false;
          server.closeIdleConnections();
        },
        Math.min(idleLingerMs, graceMs),
      );
      const grace = setTimeout(() => {
        forced = true;
        server.closeAllConnections();
      }, graceMs);
      // net's close stops listening without http's closing of idle connections (see above).
      NetServer.prototype.close.call(server, () => {
        clearTimeout(linger);
        clearTimeout(grace);
        resolve({ forced });
      });
    });
}
