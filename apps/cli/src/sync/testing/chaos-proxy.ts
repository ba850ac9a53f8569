import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy did to each connection, counted. */
export interface ChaosStats {
  connections: number;
  passed: number;
  reset: number;
  delayed: number;
  blackholed: number;
  cutResponses: number;
}

export interface ChaosOptions {
  targetPort: number;
  random: () => number;
  /** Shares of new connections: reset at once, held for `delayMs` then passed, never answered. */
  resetRate: number;
  delayRate: number;
  blackholeRate: number;
  /** Chance, per chunk of response bytes, that the connection is cut there. */
  cutRate: number;
  delayMs: readonly [number, number];
}

export interface ChaosProxy {
  port: number;
  stats: ChaosStats;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy that makes a link flaky: it resets connections as they open, stalls
 * them for a while or for ever, and cuts responses part-way through — the faults a primary
 * coop's link produces. Every choice comes from `random`, so a seed replays a run.
 */
export async function startChaosProxy(options: ChaosOptions): Promise<ChaosProxy> {
  const stats: ChaosStats = { connections: 0, passed: 0, reset: 0, delayed: 0, blackholed: 0, cutResponses: 0 };
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    stats.connections++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    const fate = options.random();
    if (fate < options.resetRate) {
      stats.reset++;
      client.resetAndDestroy();
      return;
    }
    if (fate < options.resetRate + options.blackholeRate) {
      stats.blackholed++;
      client.on('data', () => undefined);
      return;
    }
    const delayed = fate < options.resetRate + options.blackholeRate + options.delayRate;
    const [min, max] = options.delayMs;
    const wait = delayed ? min + Math.floor(options.random() * (max - min)) : 0;
    if (delayed) stats.delayed++;
    else stats.passed++;
    client.pause();
    setTimeout(() => pipe(client, options, stats, open), wait);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    port: address.port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function pipe(client: Socket, options: ChaosOptions, stats: ChaosStats, open: Set<Socket>): void {
  if (client.destroyed) return;
  const upstream = connect(options.targetPort, '127.0.0.1');
  open.add(upstream);
  const both = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.on('close', () => {
    open.delete(upstream);
    client.destroy();
  });
  upstream.on('error', both);
  client.on('close', () => upstream.destroy());
  client.on('data', (chunk: Buffer) => upstream.write(chunk));
  upstream.on('data', (chunk: Buffer) => {
    if (options.random() < options.cutRate) {
      stats.cutResponses++;
      client.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => client.resetAndDestroy());
      upstream.destroy();
      return;
    }
    client.write(chunk);
  });
  client.resume();
}

/** A small seeded generator (mulberry32): the same seed, the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
