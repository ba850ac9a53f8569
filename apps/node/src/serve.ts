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

/** Listens with the node's app; `stop` is the graceful shutdown. */
export async function serveNode(
  node: FederationNode,
  options: { port: number; host: string; logger: Logger },
): Promise<Serving> {
  const server = node.app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
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
