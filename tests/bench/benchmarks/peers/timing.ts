/** Operations per wall-clock second, and the process CPU time (all threads) they cost. */
export interface Timed {
  ops: number;
  seconds: number;
  perSecond: number;
  cpuMsPerOp: number;
}

export async function timed(ops: number, work: () => Promise<void>): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1_000;
  const cpu = process.cpuUsage(cpu0);
  return {
    ops,
    seconds,
    perSecond: ops / seconds,
    cpuMsPerOp: (cpu.user + cpu.system) / 1_000 / ops,
  };
}

/** The round with the median throughput. */
export function medianOf(rounds: readonly Timed[]): Timed {
  if (rounds.length === 0) throw new Error('no rounds measured');
  return [...rounds].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rounds.length / 2)]!;
}
