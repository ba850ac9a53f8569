import { syncLatenciesMs } from '../machine-probe';
import { percentile, round, type Benchmark } from '../report';

/** Seconds of syncs: DISK_BENCH_SECONDS, read when the benchmark runs. */
const seconds = () => Number(process.env.DISK_BENCH_SECONDS ?? 60);
const PAUSE_MS = 10;

/**
 * What the machine allows a durable commit: a 4 KiB write and its fsync every 10 ms for a
 * minute, nothing else of kopfed running. Every commit of the embedded stores ends in such a
 * sync on the event loop (synchronous FULL, BRIEF §3), so the disk's own stalls are a floor
 * under the node's tail latency: a stall of 300 ms holds every request in flight for 300 ms.
 * Information only, no target.
 */
export const diskBenchmark: Benchmark = {
  name: 'disk',
  description: `the machine's durable-write latency: a 4 KiB write and fsync every ${PAUSE_MS} ms for a minute (DISK_BENCH_SECONDS) in the temporary folder (information, no target)`,
  async run() {
    const started = performance.now();
    const syncs: number[] = [];
    const until = started + seconds() * 1_000;
    while (performance.now() < until) syncs.push(...(await syncLatenciesMs(100, PAUSE_MS)));
    const minutes = (performance.now() - started) / 60_000;
    const over = (ms: number) => syncs.filter((s) => s > ms).length;
    return {
      cases: [
        {
          name: `4 KiB write and fsync every ${PAUSE_MS} ms`,
          syncs: syncs.length,
          p50Ms: round(percentile(syncs, 50), 2),
          p90Ms: round(percentile(syncs, 90), 2),
          p99Ms: round(percentile(syncs, 99), 2),
          p999Ms: round(percentile(syncs, 99.9), 1),
          maxMs: round(Math.max(...syncs), 1),
          over50Ms: over(50),
          over100Ms: over(100),
          over100MsPerMinute: round(over(100) / minutes, 1),
        },
      ],
      targets: [],
      notes: [
        'the same kind of sync as every commit of the embedded stores (WAL, synchronous FULL); a sync that stalls holds the event loop, and with it every request in flight, for as long',
        'run it with nothing else on the machine: it measures the disk, not kopfed',
      ],
    };
  },
};
