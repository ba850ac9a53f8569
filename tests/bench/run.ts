import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { BENCHMARKS } from './benchmarks';
import { probeMachine } from './machine-probe';
import { printReport, type BenchReport } from './report';

const program = new Command()
  .name('bench')
  .description('Runs kopfed benchmarks outside the test suite. Without names, runs them all.')
  .argument('[names...]', `benchmarks to run: ${BENCHMARKS.map((b) => b.name).join(', ')}`)
  .option('--json', 'print one JSON object instead of tables')
  .option('--list', 'list the benchmarks and exit')
  .action(async (names: string[], options: { json?: boolean; list?: boolean }) => {
    if (options.list) {
      for (const b of BENCHMARKS) process.stdout.write(`${b.name.padEnd(14)} ${b.description}\n`);
      return;
    }
    // The JSON report is all that goes to stdout: what a library under test logs to the
    // console (emmett prints its own SQLite errors) goes to stderr instead.
    // eslint-disable-next-line no-console -- rerouting others' console output, not logging
    if (options.json) console.log = console.info = console.debug = console.error;
    const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
    if (unknown.length > 0) program.error(`unknown benchmark: ${unknown.join(', ')} (try --list)`);
    const selected =
      names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
    const reports: BenchReport[] = [];
    for (const benchmark of selected) {
      if (!options.json) process.stderr.write(`running ${benchmark.name}…\n`);
      const before = await probeMachine();
      const result = await benchmark.run();
      const after = await probeMachine();
      const report: BenchReport = {
        benchmark: benchmark.name,
        machine: {
          cpus: availableParallelism(),
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
          probe: { before, after },
        },
        ...result,
      };
      reports.push(report);
      if (!options.json) printReport(report, (line) => process.stdout.write(`${line}\n`));
    }
    if (options.json) {
      const output =
        reports.length === 1
          ? reports[0]
          : Object.fromEntries(reports.map((r) => [r.benchmark, r]));
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
