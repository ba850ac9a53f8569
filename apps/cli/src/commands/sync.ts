import { Option, type Command } from 'commander';
import { MAX_SYNC_BATCH_ITEMS, SYNC_STREAMS, type SyncStream } from '@kopfed/sdk';
import type { CommandModule } from '../command-module';
import type * as SyncFile from '../sync/run/sync-file';

// Loaded when the command runs (see CommandModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const work = (): typeof SyncFile => require('../sync/run/sync-file') as typeof SyncFile;

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
        .action(async (file: string, flags: SyncFile.SyncFlags) => {
          process.exitCode = await work().syncFile(stream, file, flags);
        });
    }
  },
};
