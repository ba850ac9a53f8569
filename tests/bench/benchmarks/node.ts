import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NodeProcess } from '../../e2e/node-process';
import { processCpuMs } from '../closed-loop';
import { load } from '../http-load';
import { eventsIn, fillTo, mixed, setUp } from '../node-workload';
import { atLeast, atMost, round, type Benchmark } from '../report';

const COOPS = Number(process.env.NODE_BENCH_COOPS ?? 10);
const REQUESTS = Number(process.env.NODE_BENCH_REQUESTS ?? 20_000);
const CLIENTS = 50;
const TOTAL_EVENTS = Number(process.env.NODE_BENCH_EVENTS ?? 1_000_000);
const coopIds = Array.from({ length: COOPS }, (_, i) => `bench-${i}`);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/**
 * The whole node as `npm start` runs it, as a real process: a mixed workload from 50 clients,
 * then its memory and its start-up time with a million events in its stores.
 */
export const nodeBenchmark: Benchmark = {
  name: 'node',
  description: `the node as a process: ${REQUESTS.toLocaleString('en')} mixed commands from ${CLIENTS} clients over HTTP, RSS and start-up with ${TOTAL_EVENTS.toLocaleString('en')} events`,
  async run() {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-bench-node-'));
    const node = new NodeProcess({ dataDir, port, env: { LOG_LEVEL: 'error' } });
    // A million events take a gigabyte or more: the folder goes whatever happens.
    try {
      await node.start();
      const fixture = await setUp(node, coopIds);
      const nodeCpuBefore = processCpuMs(node.pid!);
      const loadCpuBefore = process.cpuUsage();
      const result = await load({
        port,
        concurrency: CLIENTS,
        total: REQUESTS,
        request: (n) => mixed(fixture, n),
      });
      const loadCpu = process.cpuUsage(loadCpuBefore);
      const nodeCpuAfter = processCpuMs(node.pid!);
      const ok = Object.entries(result.statuses)
        .filter(([status]) => Number(status) < 300)
        .reduce((sum, [, count]) => sum + count, 0);
      await node.stop();

      const stores = ['member', 'savings', 'loan', 'settlement', 'audit', 'access'];
      const domainEvents = eventsIn(dataDir, stores);
      const filler = await fillTo(dataDir, TOTAL_EVENTS, domainEvents);
      const started = performance.now();
      await node.start(120_000);
      const startupSeconds = (performance.now() - started) / 1000;
      // A short burst after the restart, so the memory figure is of a working node.
      await load({
        port,
        concurrency: CLIENTS,
        total: 2_000,
        request: (n) => mixed(fixture, REQUESTS + n),
      });
      const rss = rssMb(node.pid!);
      await node.stop();

      return {
        cases: [
          {
            name: 'mixed commands over HTTP',
            clients: CLIENTS,
            requests: result.requests,
            succeeded: ok,
            commandsPerSecond: Math.round(result.perSecond),
            p50Ms: round(result.p50Ms, 1),
            p99Ms: round(result.p99Ms, 1),
            // CPU per command of the node (all its threads) and of the load generator: on two
            // cores, 2,000 ms of CPU per second is all there is for both.
            ...(nodeCpuBefore !== undefined && nodeCpuAfter !== undefined
              ? { nodeCpuMsPerCommand: round((nodeCpuAfter - nodeCpuBefore) / result.requests, 3) }
              : {}),
            loadCpuMsPerCommand: round(
              (loadCpu.user + loadCpu.system) / 1_000 / result.requests,
              3,
            ),
            statuses: JSON.stringify(result.statuses),
          },
          {
            name: `restart with ${(domainEvents + filler).toLocaleString('en')} events`,
            domainEvents,
            historyEvents: filler,
            startupSeconds: round(startupSeconds, 2),
            rssMb: round(rss, 0),
          },
        ],
        targets: [
          atLeast('commands per second (50 clients, mixed)', result.perSecond, 1_500),
          atMost('p99 latency (ms)', result.p99Ms, 100),
          atMost(`RSS after ${TOTAL_EVENTS.toLocaleString('en')} events (MB)`, rss, 512),
          atMost(
            `start-up with ${TOTAL_EVENTS.toLocaleString('en')} events (s)`,
            startupSeconds,
            5,
          ),
          atLeast('share of commands that succeeded', ok / result.requests, 0.99),
        ],
        notes: [
          'the node is `npm start`’s bundle (apps/node/dist/main.js) as a child process, on its SQLite stores; the load generator runs in the bench process on the same 2 cores',
          'mix: 40% deposits, 20% withdrawals (savings), 20% loan repayments, 20% inter-coop transfers (settlement), each with an Idempotency-Key',
          'the million events are the workload’s own plus imported history appended to the savings store in streams no projection reads; start-up is until /health/ready answers',
        ],
      };
    } finally {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
