/**
 * How fast the machine was around a benchmark, measured the same way every time. The figures
 * of one tree move by a third from one hour to the next on a shared machine; a probe before
 * and after each benchmark says whether a run was on a quick or a slow machine, so runs of
 * different hours can be told apart from changes in the code.
 */
export interface MachineProbe {
  /** One core's time for a fixed piece of JavaScript work (JSON, SHA-256, a Map), median of nine after one unmeasured. */
  cpuMs: number;
  /** A 4 KiB write and its fsync in the temporary folder (where the benchmarks keep their files). */
  fsyncP50Us: number;
  fsyncP90Us: number;
  /** The system's one-minute load average. */
  load1: number;
}

/** What every benchmark returns: measured cases and the targets they are held to. */
export interface BenchCase {
  name: string;
  [metric: string]: string | number | boolean | null | undefined;
}

export interface BenchTarget {
  name: string;
  target: string;
  actual: number;
  met: boolean;
}

export interface BenchReport {
  benchmark: string;
  machine: {
    cpus: number;
    node: string;
    platform: string;
    /** How fast the machine was just before the benchmark ran and just after. */
    probe: { before: MachineProbe; after: MachineProbe };
  };
  cases: BenchCase[];
  targets: BenchTarget[];
  notes?: string[];
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Omit<BenchReport, 'machine' | 'benchmark'>>;
}

/** Nearest-rank percentile of a list of samples (milliseconds). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function atLeast(name: string, actual: number, minimum: number, unit = ''): BenchTarget {
  return { name, target: `≥ ${minimum}${unit}`, actual: round(actual, 3), met: actual >= minimum };
}

export function atMost(name: string, actual: number, maximum: number, unit = ''): BenchTarget {
  return { name, target: `≤ ${maximum}${unit}`, actual: round(actual, 3), met: actual <= maximum };
}

export function printReport(report: BenchReport, write: (line: string) => void): void {
  write(`\n## ${report.benchmark}`);
  const columns = [...new Set(report.cases.flatMap((c) => Object.keys(c)))];
  const rows = report.cases.map((c) => columns.map((col) => formatCell(c[col])));
  const widths = columns.map((col, i) => Math.max(col.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  write(line(columns));
  write(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) write(line(row));
  if (report.targets.length > 0) {
    write('');
    for (const t of report.targets)
      write(`${t.met ? 'MET   ' : 'MISSED'} ${t.name}: ${t.actual} (target ${t.target})`);
  }
  for (const note of report.notes ?? []) write(`note: ${note}`);
  const { before, after } = report.machine.probe;
  const probe = (p: MachineProbe) =>
    `CPU work ${p.cpuMs} ms, fsync p50 ${p.fsyncP50Us} µs (p90 ${p.fsyncP90Us}), load ${p.load1}`;
  write(`machine before: ${probe(before)}`);
  write(`machine after:  ${probe(after)}`);
}

function formatCell(value: string | number | boolean | null | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return String(value);
}
