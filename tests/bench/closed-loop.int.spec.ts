import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closedLoopInChild } from './closed-loop';

/** Answers 201 to a well-formed transfer with the bench's token, 400 to anything else. */
function transferServer(seen: Set<string>): Server {
  return createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const { transferId } = JSON.parse(body) as { transferId?: string };
      const ok =
        req.method === 'POST' &&
        req.url === '/api/settlement/v1/transfers' &&
        req.headers.authorization === 'Bearer the-token' &&
        typeof transferId === 'string';
      if (ok) seen.add(transferId);
      res.writeHead(ok ? 201 : 400).end();
    });
  });
}

describe('closedLoopInChild', () => {
  it("runs a workload's requests from another process and counts only the measured window", async () => {
    const seen = new Set<string>();
    const server = transferServer(seen);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const outcome = await closedLoopInChild({
        port: (server.address() as AddressInfo).port,
        clients: 4,
        warmupMs: 300,
        measureMs: 700,
        workload: {
          module: join(__dirname, 'benchmarks', 'settlement-load.ts'),
          exportName: 'singleTransfer',
          args: { token: 'the-token' },
        },
      });
      expect(outcome.requests).toBeGreaterThan(0);
      expect(outcome.statuses).toEqual({ 201: outcome.requests });
      // Warm-up requests reached the server too, but are not counted.
      expect(seen.size).toBeGreaterThan(outcome.requests);
      expect(outcome.perSecond).toBeCloseTo(outcome.requests / 0.7, 5);
      expect(outcome.p99Ms).toBeGreaterThanOrEqual(outcome.p50Ms);
      expect(outcome.serverCpuMsPerRequest).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  it('fails when the workload module has no such function', async () => {
    await expect(
      closedLoopInChild({
        port: 1,
        clients: 1,
        warmupMs: 0,
        measureMs: 10,
        workload: {
          module: join(__dirname, 'benchmarks', 'settlement-load.ts'),
          exportName: 'noSuchWorkload',
          args: {},
        },
      }),
    ).rejects.toThrow(/client process failed/);
  }, 30_000);
});
