import { CommanderError } from 'commander';
import { syncCommand } from '../../commands/sync';
import { buildProgram } from '../../program';
import { armTestCrash, parseTestCrash, TEST_CRASH_VARIABLE } from '../run/test-crash';

/**
 * `kopfed sync …` for the tests' child processes: the real program and the real sync
 * command, without the other command groups (a quicker start for runs killed on purpose).
 * The one entry point that arms a test crash point (`KOPFED_TEST_SYNC_CRASH=answered:7`).
 */
const crash = process.env[TEST_CRASH_VARIABLE];
armTestCrash(crash === undefined ? undefined : parseTestCrash(crash));

buildProgram([syncCommand])
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
