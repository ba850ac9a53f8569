import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closedLoopInChild, failuresOf, type ClosedLoopOutcome } from './closed-loop';

const WORKLOADS = join(__dirname, 'benchmarks', 'settlement-load.ts');

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

/** Single transfers from `clients` clients of another process against `server`, listening for the run. */
async function loadOn(
  server: Server,
  run: { clients: number; warmupMs: number; measureMs: number; token: string },
): Promise<ClosedLoopOutcome> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await closedLoopInChild({
      port: (server.address() as AddressInfo).port,
      clients: run.clients,
      warmupMs: run.warmupMs,
      measureMs: run.measureMs,
      workload: { module: WORKLOADS, exportName: 'singleTransfer', args: { token: run.token } },
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('closedLoopInChild', () => {
  it("runs a workload's requests from another process and counts only the measured window", async () => {
    const seen = new Set<string>();
    const outcome = await loadOn(transferServer(seen), {
      clients: 4,
      warmupMs: 300,
      measureMs: 700,
      token: 'the-token',
    });
    expect(outcome.requests).toBeGreaterThan(0);
    expect(outcome.statuses).toEqual({ 201: outcome.requests });
    // Warm-up requests reached the server too, counted apart.
    expect(outcome.warmupStatuses[201]).toBeGreaterThan(0);
    expect(seen.size).toBe(outcome.requests + outcome.warmupStatuses[201]!);
    expect(failuresOf(outcome, 201)).toBe(0);
    expect(outcome.perSecond).toBeCloseTo(outcome.requests / 0.7, 5);
    expect(outcome.p99Ms).toBeGreaterThanOrEqual(outcome.p50Ms);
    expect(outcome.serverCpuMs).toBeGreaterThan(0);
    // The client's own CPU over the measured window: something, and not more than it had.
    expect(outcome.clientCpuMs).toBeGreaterThan(0);
    expect(outcome.clientCpuMs).toBeLessThan(2 * 700 + 100);
  }, 30_000);

  it('reports the answers that failed, in the warm-up and after it', async () => {
    const outcome = await loadOn(transferServer(new Set()), {
      clients: 2,
      warmupMs: 200,
      measureMs: 300,
      token: 'a-wrong-token',
    });
    expect(outcome.statuses).toEqual({ 400: outcome.requests });
    expect(failuresOf(outcome, 201)).toBe(outcome.requests + outcome.warmupStatuses[400]!);
  }, 30_000);

  it("counts the server's CPU from the end of the warm-up only", async () => {
    const server = transferServer(new Set());
    let first = true;
    // The first request, early in the warm-up, costs the server 300 ms of CPU.
    server.prependListener('request', () => {
      if (!first) return;
      first = false;
      const until = performance.now() + 300;
      while (performance.now() < until);
    });
    const outcome = await loadOn(server, {
      clients: 1,
      warmupMs: 700,
      measureMs: 300,
      token: 'the-token',
    });
    expect(outcome.requests).toBeGreaterThan(0);
    expect(outcome.serverCpuMs).toBeLessThan(250);
  }, 30_000);

  it('fails when the workload module has no such function', async () => {
    await expect(
      closedLoopInChild({
        port: 1,
        clients: 1,
        warmupMs: 0,
        measureMs: 10,
        workload: { module: WORKLOADS, exportName: 'noSuchWorkload', args: {} },
      }),
    ).rejects.toThrow(/client process failed/);
  }, 30_000);
});
