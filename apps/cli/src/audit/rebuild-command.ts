import type { Command } from 'commander';
import type { ProjectionSource } from '@kopfed/audit';
import type * as RebuildCheck from './rebuild-check';

// Loaded when the command runs (see CommandModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const work = (): typeof RebuildCheck => require('./rebuild-check') as typeof RebuildCheck;

/** `sources`: the projections to check; by default the node's, every service's. */
export function registerRebuildCheck(audit: Command, sources?: readonly ProjectionSource[]): void {
  audit
    .command('rebuild-check')
    .description(
      'On a snapshot copy of the data directory, bring every projection to the head, hash its tables, drop and rebuild it from the log, and compare; exit 1 if any differs',
    )
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .option('--json', 'print the full result as JSON')
    .action((options: RebuildCheck.RebuildCheckOptions) => work().checkRebuild(options, sources));
}
