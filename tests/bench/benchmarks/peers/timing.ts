/** Operations per wall-clock second, and the process CPU time (all threads) they cost. */
export interface Timed {
  ops: number;
  seconds: number;
  perSecond: number;
  cpuMsPerOp: number;
}

export async function timed(ops: number, work: () => Promise<void>): Promise<Timed> {
  const start = begin();
  await work();
  return since(start, ops);
}

/** The same for work that runs to its end without yielding. */
export function syncTimed(ops: number, work: () => void): Timed {
  const start = begin();
  work();
  return since(start, ops);
}

function begin() {
  return { cpu: process.cpuUsage(), at: performance.now() };
}

function since(start: ReturnType<typeof begin>, ops: number): Timed {
  const seconds = (performance.now() - start.at) / 1_000;
  const cpu = process.cpuUsage(start.cpu);
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
