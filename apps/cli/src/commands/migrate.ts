import type { Command } from 'commander';
import type { CommandModule } from '../command-module';
import { MigrationError } from './migrate-copy';
import { DEFAULT_STORES, planMigration } from './migrate-plan';
import type * as MigrateRun from './migrate-run';

interface MigrateOptions {
  from: string;
  to: string;
  services?: string;
  maxAppendEvents: number;
  verifyOnly?: boolean;
}

// Loaded when the command runs (see CommandModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const work = (): typeof MigrateRun => require('./migrate-run') as typeof MigrateRun;

/** Events per append when a source batch is larger (KurrentDB's append size is bounded). */
const DEFAULT_MAX_APPEND_EVENTS = 10_000;

/**
 * `kopfed migrate --from sqlite:DIR --to kurrentdb://…`: moves a federation from the
 * embedded stores to the distributed deployment (or copies them to another directory), then
 * verifies the copy. Resumable and idempotent: run it again after an interruption.
 */
export const migrateCommand: CommandModule = {
  name: 'migrate',
  register(program: Command) {
    program
      .command('migrate')
      .description(
        'copy the embedded SQLite event stores to KurrentDB (or another SQLite directory), ' +
          'keeping event ids, order, recordedAt, businessDate and metadata, then verify the copy: ' +
          'every event in order and the target’s seal chain recomputed',
      )
      .requiredOption(
        '--from <url>',
        'sqlite:<directory> holding <service>.db (the node’s KOPFED_DATA_DIR)',
      )
      .requiredOption(
        '--to <url>',
        'kurrentdb://host:2113[,host:2113…]?tls=false, or sqlite:<directory>',
      )
      .option(
        '--services <list>',
        `stores to copy, comma-separated (default: those of ${DEFAULT_STORES.join(',')} that exist)`,
      )
      .option(
        '--max-append-events <n>',
        'split larger source batches into appends of this many events (keep it when resuming)',
        positiveInteger,
        DEFAULT_MAX_APPEND_EVENTS,
      )
      .option('--verify-only', 'copy nothing: compare the stores and verify both seal chains')
      .action(async (options: MigrateOptions) => {
        const plan = planMigration(options);
        process.stderr.write(
          `migrating ${plan.stores.join(', ')} from sqlite:${plan.sourceDir} to ${plan.targetUrl}\n`,
        );
        const { describeOutcome, runMigration } = work();
        const outcomes = await runMigration(plan, {
          maxAppendEvents: options.maxAppendEvents,
          verifyOnly: options.verifyOnly === true,
          progress: process.stderr,
        });
        for (const outcome of outcomes) process.stdout.write(`${describeOutcome(outcome)}\n`);
        for (const notice of plan.notices) process.stderr.write(`note: ${notice}\n`);
        const failed = outcomes.filter((o) => !o.verified).map((o) => o.store);
        if (failed.length > 0)
          throw new MigrationError(`verification failed: ${failed.join(', ')}`);
      });
  },
};

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1 || parsed > 100_000) {
    throw new MigrationError(`--max-append-events: must be an integer from 1 to 100000`);
  }
  return parsed;
}
