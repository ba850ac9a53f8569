import { CommanderError } from 'commander';
import { syncCommand } from '../../commands/sync';
import { buildProgram } from '../../program';

/**
 * `kopfed sync …` for the tests' child processes: the real program and the real sync
 * command, without the other command groups (a quicker start for runs killed on purpose).
 */
buildProgram([syncCommand])
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
