import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { MAX_SYNC_BATCH_ITEMS, SYNC_STREAMS, type SyncStream } from '@kopfed/sdk';
import type { CommandModule } from '../command-module';
import { loadConfig } from '../sync/config';
import { runSync } from '../sync/run/agent';
import { describe, exitCodeOf, EXIT } from '../sync/run/summary';
import { fieldsOf } from '../sync/streams';
import { defaultPaths } from '../sync/run/paths';

interface SyncFlags {
  coop?: string;
  url?: string;
  config?: string;
  tokenFile?: string;
  state?: string;
  report?: string;
  dryRun?: boolean;
  restart?: boolean;
  batchSize: string;
  sheet?: string;
  timeoutMs: string;
  maxAttempts: string;
  progress: boolean;
  json?: boolean;
}

const WHAT: Readonly<Record<SyncStream, string>> = {
  members: 'members (persons) from a CSV or Excel file',
  savings: 'savings openings, deposits and withdrawals, or opening balances, with their dates',
  loans: 'loans, disbursements and repayments (angsuran), with their dates',
};

/**
 * `kopfed sync members|savings|loans <file>`: a primary coop's spreadsheet into kopfed's bulk
 * APIs, resumable at any point. Exit code 0: every row accepted; 2: some rows rejected (see
 * the report); 1: not finished (run it again to resume) or could not start.
 */
export const syncCommand: CommandModule = {
  name: 'sync',
  register(program: Command) {
    const sync = program
      .command('sync')
      .description('Sync a coop’s CSV/Excel exports into kopfed (members, savings, loans), resumably');
    for (const stream of SYNC_STREAMS) {
      sync
        .command(`${stream} <file>`)
        .description(`Sync ${WHAT[stream]}`)
        .option('--coop <coopId>', 'the coop the rows belong to (or KOPFED_COOP, or the config’s coop)')
        .option('--url <url>', 'the kopfed node (or KOPFED_URL, or the config’s url)')
        .option('--config <file>', 'column mapping and defaults (YAML or JSON)')
        .option('--token-file <file>', 'a file holding the API key (else KOPFED_TOKEN)')
        .option('--state <file>', 'progress file (default: <file>.kopfed-sync.json)')
        .option('--report <file>', 'rejected rows (default: <file>.rejected.csv)')
        .option('--dry-run', 'check and plan only: nothing is sent')
        .option('--restart', 'ignore an earlier run’s progress and sync the file anew')
        .option('--batch-size <n>', `items per batch (1–${MAX_SYNC_BATCH_ITEMS})`, String(MAX_SYNC_BATCH_ITEMS))
        .option('--sheet <name>', 'the Excel sheet (default: the first)')
        .option('--timeout-ms <ms>', 'time limit of each HTTP attempt', '30000')
        .option('--max-attempts <n>', 'attempts per batch before giving up (then rerun to resume)', '8')
        .option('--no-progress', 'no progress line on stderr')
        .addOption(new Option('--json', 'print the summary as JSON'))
        .action(async (file: string, flags: SyncFlags) => {
          process.exitCode = await syncFile(stream, file, flags);
        });
    }
  },
};

async function syncFile(stream: SyncStream, file: string, flags: SyncFlags): Promise<number> {
  try {
    const config = loadConfig(flags.config, fieldsOf);
    const coopId = flags.coop ?? process.env.KOPFED_COOP ?? config.coop;
    if (!coopId) throw new Error('name the coop: --coop, KOPFED_COOP or the config’s coop');
    const paths = defaultPaths(file);
    const url = flags.url ?? process.env.KOPFED_URL ?? config.url;
    const token = flags.tokenFile ? readFileSync(flags.tokenFile, 'utf8').trim() : process.env.KOPFED_TOKEN;
    const summary = await runSync({
      stream,
      file,
      coopId,
      ...(url ? { url } : {}),
      ...(token ? { token } : {}),
      config,
      statePath: flags.state ?? paths.state,
      reportPath: flags.report ?? paths.report,
      dryRun: flags.dryRun === true,
      restart: flags.restart === true,
      batchSize: wholeNumber(flags.batchSize, '--batch-size'),
      ...(flags.sheet ? { sheet: flags.sheet } : {}),
      retry: {
        timeoutMs: wholeNumber(flags.timeoutMs, '--timeout-ms'),
        maxAttempts: wholeNumber(flags.maxAttempts, '--max-attempts'),
      },
      progress: flags.progress,
      now: () => new Date(),
      stdout: process.stdout,
      stderr: process.stderr,
    });
    process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : describe(summary));
    return exitCodeOf(summary);
  } catch (error) {
    process.stderr.write(`kopfed sync ${stream}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILED;
  }
}

function wholeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number ≥ 1`);
  return n;
}
