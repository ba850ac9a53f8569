import { diskBenchmark } from './disk';

describe('the disk benchmark', () => {
  it('reports the syncs it timed, their percentiles in order, and its stalls', async () => {
    process.env.DISK_BENCH_SECONDS = '0.3';
    const { cases, targets } = await diskBenchmark.run().finally(() => {
      delete process.env.DISK_BENCH_SECONDS;
    });
    expect(targets).toEqual([]);
    const [syncs] = cases;
    // About 0.3 s of syncs paced 10 ms apart, in rounds of 100.
    expect(syncs!.syncs).toBeGreaterThanOrEqual(100);
    const order = ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs'].map((k) => Number(syncs![k]));
    expect(order[0]).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(Number(syncs!.over50Ms)).toBeGreaterThanOrEqual(Number(syncs!.over100Ms));
  });
});
