import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { drainOnClose, SHUTDOWN_GRACE_MS } from '@kopfed/host';
import type { ApiKeyRegistry } from '@kopfed/service-kit';

/** Where the node keeps the key its services use to call each other's APIs. */
export const INTERNAL_KEY_FILE = 'node-internal.key';

/**
 * How one service in the node reaches another's HTTP API — settlement's payments reach the
 * savings holds this way when run alone, over the network. In the node the call goes to a
 * loopback listener of the node's own app, with an admin key of the node's own: the same code
 * path, the same checks, the same idempotency records as any other caller.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export class InternalLink {
  private readonly drain: ReturnType<typeof drainOnClose>;

  private constructor(
    server: Server,
    private readonly target: { handler?: Handler },
    readonly baseUrl: string,
    readonly token: string,
  ) {
    this.drain = drainOnClose(server);
  }

  /** Listens on a free loopback port at once; requests wait for the app (503 until then). */
  static async open(keys: ApiKeyRegistry, dataDir: string, coopId: string): Promise<InternalLink> {
    const token = await internalKey(keys, dataDir, coopId);
    const target: { handler?: Handler } = {};
    const server = createServer((req, res) => {
      if (target.handler) return target.handler(req, res);
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
      res.end(JSON.stringify({ title: 'The node is starting', status: 503 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new InternalLink(server, target, `http://127.0.0.1:${port}`, token);
  }

  serve(handler: Handler): void {
    this.target.handler = handler;
  }

  /**
   * Lets the calls in flight finish (cut after the grace period) before the stores close.
   * Only the node's own services call here, and they have stopped: no idle connection waits
   * for a last request.
   */
  async close(): Promise<void> {
    await this.drain(SHUTDOWN_GRACE_MS, 0);
  }
}

/** The node's own admin key: created once, kept (mode 600) in the data directory. */
async function internalKey(keys: ApiKeyRegistry, dataDir: string, coopId: string): Promise<string> {
  const file = join(dataDir, INTERNAL_KEY_FILE);
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (await keys.authenticate(kept)) return kept;
  }
  const { token } = await keys.create({
    role: 'admin',
    coopId,
    label: 'the node: calls between its own services',
    createdBy: 'node',
  });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
