import type { Command } from 'commander';

/**
 * A command group of the CLI: adds its subcommands to the program.
 *
 * Registering loads only what the help text and the option parsers need; a command's work
 * (the audit package, the services' projections, the sync agent) is required when it runs,
 * so each `kopfed …` process loads the modules of its own command alone. `require`, not
 * `import()`: bin/kopfed.js registers tsx's CommonJS hook only, which `import()` bypasses.
 */
export interface CommandModule {
  name: string;
  register(program: Command): void;
}
