import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import express from 'express';
import { createNode, type FederationNode } from '@kopfed/node';
import { mountConsole } from '@kopfed/node/src/console';

export const CONSOLE_DIR = join(__dirname, '..');
const DIST_INDEX = join(CONSOLE_DIR, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }
  return newest;
}

/** `npm run build` builds the console before tests; a direct jest run builds it if stale. */
export function ensureConsoleBuilt(): void {
  const sources = Math.max(
    newestSource(join(CONSOLE_DIR, 'src')),
    statSync(join(CONSOLE_DIR, 'index.html')).mtimeMs,
  );
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sources) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: CONSOLE_DIR,
    stdio: 'inherit',
  });
}

/**
 * The node's clock starts at 10:00 in Jakarta on a fixed day and runs in real time, so a run
 * never crosses a business day or a settlement window and the demo's loan ages are fixed.
 */
export const DEMO_START = Date.parse('2026-11-27T03:00:00.000Z');
export const DEMO_BUSINESS_DATE = '2026-11-27';

export interface ConsoleServer {
  node: FederationNode;
  baseUrl: string;
  adminToken: string;
  close(): Promise<void>;
}

/** The node as `npm start` runs it (every service and audit), serving the built console at `/`. */
export async function startConsoleServer(): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-console-'));
  const offsetMs = Date.now() - DEMO_START;
  const node = await createNode({
    dataDir,
    clock: () => new Date(Date.now() - offsetMs),
    rateLimit: { ratePerSecond: 10_000, burst: 10_000 },
  });
  if (!node.bootstrap.created || !node.bootstrap.token)
    throw new Error('expected a bootstrap admin key');
  const app = express();
  mountConsole(app, { buildIfMissing: false });
  app.use(node.app);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    node,
    baseUrl: `http://127.0.0.1:${port}`,
    adminToken: node.bootstrap.token,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
