import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How long a stopping process lets its open connections finish before cutting them (ms). */
export const SHUTDOWN_GRACE_MS = 10_000;
/** How long a stopping process leaves an idle kept-alive connection open for one last request. */
const IDLE_LINGER_MS = 1_000;

/**
 * Readies `server` for a graceful stop; the function returned stops it. Stopping takes no new
 * connection; a request in flight, or arriving on a kept-alive connection meanwhile, is
 * answered, the last one outstanding on each connection with `Connection: close`, so each
 * connection ends after its last response (requests pipelined on one connection are all
 * answered first). A connection idle for `idleLingerMs` (1 s) is closed, and any still open
 * after `graceMs` cut. Resolves once no connection is left and every response is done.
 *
 * Node's `server.close()` alone does neither: it waits forever for a client that keeps
 * sending, and it closes idle connections at once, resetting a request already on its way.
 */
export function drainOnClose(
  server: Server,
): (graceMs?: number, idleLingerMs?: number) => Promise<{ forced: boolean }> {
  const sockets = new Set<Socket>();
  /** Responses not yet done, per connection, in the order their requests came. */
  const outstanding = new Map<Socket, ServerResponse[]>();
  let draining = false;
  let lingering = true;
  let settle: (() => void) | undefined;
  /** Only the last response outstanding on a connection closes it. */
  const closeAfterLast = (socket: Socket) => {
    const responses = outstanding.get(socket) ?? [];
    responses.forEach((res, index) => {
      if (res.headersSent) return;
      if (index === responses.length - 1) res.setHeader('connection', 'close');
      else if (res.getHeader('connection') === 'close') res.removeHeader('connection');
    });
  };
  /** After the linger, a connection with nothing outstanding is closed. */
  const closeIdle = () => {
    for (const socket of sockets) if (!outstanding.has(socket)) socket.destroy();
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Ahead of the app's listener, so that an answer it sends at once also closes.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    outstanding.set(socket, [...(outstanding.get(socket) ?? []), res]);
    if (draining) closeAfterLast(socket);
    // A response is done once its handler has ended it and its connection let it go: a
    // client that went away closes the response first, while the handler may still write.
    let ended = false;
    let closed = false;
    const done = () => {
      if (!ended || !closed) return;
      const left = (outstanding.get(socket) ?? []).filter((other) => other !== res);
      if (left.length > 0) outstanding.set(socket, left);
      else outstanding.delete(socket);
      if (draining && !lingering) setImmediate(closeIdle);
      settle?.();
    };
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const result = end(...args);
      ended = true;
      done();
      return result;
    }) as ServerResponse['end'];
    res.once('close', () => {
      closed = true;
      done();
    });
  });
  return (graceMs = SHUTDOWN_GRACE_MS, idleLingerMs = IDLE_LINGER_MS) =>
    new Promise((resolve) => {
      draining = true;
      for (const socket of outstanding.keys()) closeAfterLast(socket);
      let forced = false;
      let listening = true;
      const finish = () => {
        clearTimeout(linger);
        clearTimeout(grace);
        resolve({ forced });
      };
      const linger = setTimeout(
        () => {
          lingering = false;
          closeIdle();
        },
        Math.min(idleLingerMs, graceMs),
      );
      const grace = setTimeout(() => {
        forced = true;
        for (const socket of sockets) socket.destroy();
        // A handler that never ends its response is not waited for past the grace.
        if (!listening) finish();
      }, graceMs);
      settle = () => {
        if (listening || (outstanding.size > 0 && !forced)) return;
        finish();
      };
      // net's close stops listening without http's closing of idle connections (see above).
      NetServer.prototype.close.call(server, () => {
        listening = false;
        settle!();
      });
    });
}
