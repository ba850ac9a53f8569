import { probeMachine } from './machine-probe';
import { printReport, type BenchReport } from './report';

describe('the machine probe', () => {
  it('times the CPU work and the disk syncs in plausible units', async () => {
    const probe = await probeMachine();
    // Milliseconds for 4,000 serialise-hash-parse rounds: neither nothing nor a minute.
    expect(probe.cpuMs).toBeGreaterThan(1);
    expect(probe.cpuMs).toBeLessThan(60_000);
    // Microseconds per 4 KiB write and fsync, p90 at least p50.
    expect(probe.fsyncP50Us).toBeGreaterThan(0);
    expect(probe.fsyncP90Us).toBeGreaterThanOrEqual(probe.fsyncP50Us);
    expect(Number.isFinite(probe.load1)).toBe(true);
  });

  it('is printed before and after in the table form of a report', () => {
    const probe = { cpuMs: 48.2, fsyncP50Us: 250, fsyncP90Us: 310, load1: 0.4 };
    const report: BenchReport = {
      benchmark: 'example',
      machine: {
        cpus: 2,
        node: 'v20',
        platform: 'linux-x64',
        probe: { before: probe, after: { ...probe, cpuMs: 61.5 } },
      },
      cases: [{ name: 'a case', perSecond: 10 }],
      targets: [],
    };
    const lines: string[] = [];
    printReport(report, (line) => lines.push(line));
    expect(lines).toContain(
      'machine before: CPU work 48.2 ms, fsync p50 250 µs (p90 310), load 0.4',
    );
    expect(lines).toContain(
      'machine after:  CPU work 61.5 ms, fsync p50 250 µs (p90 310), load 0.4',
    );
  });
});
