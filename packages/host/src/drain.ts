import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How long a stopping process lets its open connections finish before cutting them (ms). */
export const SHUTDOWN_GRACE_MS = 10_000;
/** How long a stopping process leaves an idle kept-alive connection open for one last request. */
const IDLE_LINGER_MS = 1_000;
/** How long a handler whose client went away is waited for, at most, before it is forgotten. */
const ABANDONED_MS = 60_000;

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
  /**
   * Responses whose client went away before they were ended: their handlers may still be
   * writing to the stores, so a drain waits for them to end (each for at most ABANDONED_MS).
   */
  const abandoned = new Set<ServerResponse>();
  /** Connections whose client closed or reset them. */
  const gone = new WeakSet<Socket>();
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
  /**
   * A response leaves its connection's list when it closes, or when its connection does.
   * One not yet ended whose client went away is waited for, as its handler may still write;
   * one the server destroyed itself (a stream that failed) is done.
   */
  const release = (socket: Socket, res: ServerResponse, clientGone = gone.has(socket)) => {
    const listed = outstanding.get(socket);
    const index = listed?.indexOf(res) ?? -1;
    if (index < 0) return;
    listed!.splice(index, 1);
    if (listed!.length === 0) outstanding.delete(socket);
    if (!res.writableEnded && clientGone) {
      abandoned.add(res);
      setTimeout(() => {
        if (abandoned.delete(res)) settle?.();
      }, ABANDONED_MS).unref();
    }
    if (draining && !lingering) setImmediate(closeIdle);
    settle?.();
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    // The client ended or reset the connection (a server-side destroy is neither).
    socket.once('end', () => gone.add(socket));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') gone.add(socket);
    });
    socket.once('close', () => {
      sockets.delete(socket);
      // A response queued behind another (pipelined) never gets a close of its own, and its
      // handler may still be writing: it can no longer be answered.
      for (const res of [...(outstanding.get(socket) ?? [])])
        if (!res.socket) release(socket, res, true);
    });
  });
  // Ahead of the app's listener, so that an answer it sends at once also closes.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    // Usually one response per connection at a time; pipelined requests queue behind it.
    const listed = outstanding.get(socket);
    if (listed) listed.push(res);
    else outstanding.set(socket, [res]);
    if (draining) closeAfterLast(socket);
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const result = end(...args);
      if (abandoned.delete(res)) settle?.();
      return result;
    }) as ServerResponse['end'];
    res.once('close', () => release(socket, res));
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
        if (listening || ((outstanding.size > 0 || abandoned.size > 0) && !forced)) return;
        finish();
      };
      // net's close stops listening without http's closing of idle connections (see above).
      NetServer.prototype.close.call(server, () => {
        listening = false;
        settle!();
      });
    });
}
