import type { Command } from 'commander';

/** A command group of the CLI: adds its subcommands to the program. */
export interface CommandModule {
  name: string;
  register(program: Command): void;
}
