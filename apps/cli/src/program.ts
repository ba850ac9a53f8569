import { Command } from 'commander';
import type { CommandModule } from './command-module';
import { COMMANDS } from './commands';

/**
 * `npx kopfed <command>`: each command group (audit, sync, migrate, …) lives in its own file
 * under commands/ and registers itself on the program.
 */
export function buildProgram(commands: readonly CommandModule[] = COMMANDS): Command {
  const program = new Command()
    .name('kopfed')
    .description(
      'kopfed: the shared books of a cooperative federation — operator, auditor and sync commands',
    )
    .showHelpAfterError()
    .exitOverride();
  for (const command of commands) command.register(program);
  return program;
}
