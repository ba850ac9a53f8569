import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { drainOnClose, SHUTDOWN_GRACE_MS } from '@kopfed/host';
import type { FederationNode } from './node';

export interface Serving {
  server: Server;
  /** The port listened on (the one the kernel chose when asked for port 0). */
  port: number;
  /**
   * SIGTERM's work: stops taking requests, lets those open finish (or cuts them after
   * `graceMs`, 10 s unless told), then closes the node's services and stores.
   */
  stop(graceMs?: number): Promise<void>;
}

/** The node could not listen where it was told to; the message says why and what to change. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (set PORT to a free one, or stop what holds it)',
  EACCES: 'permission denied (a port below 1024 needs privileges; set PORT)',
  EADDRNOTAVAIL: 'no such address on this machine (set HOST)',
};

/**
 * Listens with the node's app; `stop` is the graceful shutdown. When it cannot listen, the
 * node is closed (its stores and the services' threads) before the failure is reported.
 */
export async function serveNode(
  node: FederationNode,
  options: { port: number; host: string; logger: Logger },
): Promise<Serving> {
  const server = node.app.listen(options.port, options.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await node
      .close()
      .catch((closeError: unknown) =>
        options.logger.error({ err: closeError }, 'error while closing stores'),
      );
    const problem = LISTEN_PROBLEMS[(error as NodeJS.ErrnoException).code ?? ''];
    if (problem === undefined) throw error;
    throw new ListenError(`cannot listen on ${options.host}:${options.port}: ${problem}`, {
      cause: error,
    });
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const drain = drainOnClose(server);
  return {
    server,
    port,
    async stop(graceMs = SHUTDOWN_GRACE_MS) {
      const { forced } = await drain(graceMs);
      if (forced) options.logger.warn({ graceMs }, 'cut connections still open');
      await node.close();
    },
  };
}
