/**
 * The client process of `closedLoopInChild`: receives a ClosedLoopSpec over IPC, runs the load,
 * reports when the warm-up ends and then the outcome, and exits.
 */
import { Agent } from 'node:http';
import type { ClientOutcome, ClosedLoopSpec } from './closed-loop';
import { send, type LoadRequest } from './http-load';
import { percentile } from './report';

type Build = (client: number, k: number, args: unknown) => LoadRequest;

async function run(spec: ClosedLoopSpec): Promise<ClientOutcome> {
  const loaded = (await import(spec.workload.module)) as Record<string, unknown>;
  const build = loaded[spec.workload.exportName] as Build | undefined;
  if (typeof build !== 'function') {
    throw new Error(`${spec.workload.module} exports no function ${spec.workload.exportName}`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: spec.clients });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const warmupStatuses: Record<number, number> = {};
  const warmEnd = performance.now() + spec.warmupMs;
  const end = warmEnd + spec.measureMs;
  let cpuAtWarm = process.cpuUsage();
  const warmTimer = setTimeout(() => {
    cpuAtWarm = process.cpuUsage();
    process.send!({ phase: 'measuring' });
  }, spec.warmupMs);
  await Promise.all(
    Array.from({ length: spec.clients }, async (_, client) => {
      for (let k = 0; ; k++) {
        const t0 = performance.now();
        if (t0 > end) return;
        const status = await send(agent, spec.port, build(client, k, spec.workload.args));
        if (t0 < warmEnd) {
          warmupStatuses[status] = (warmupStatuses[status] ?? 0) + 1;
          continue;
        }
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuAtWarm);
  clearTimeout(warmTimer);
  agent.destroy();
  const seconds = spec.measureMs / 1000;
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses,
    warmupStatuses,
    clientCpuMs: (cpu.user + cpu.system) / 1_000,
  };
}

process.once('message', (spec: ClosedLoopSpec) => {
  run(spec).then(
    (outcome) => process.send!({ phase: 'done', outcome }, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`closed-loop client: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
