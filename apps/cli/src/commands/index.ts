import type { CommandModule } from '../command-module';

/** Every command group, in the order `kopfed --help` lists them. Each lives in its own file. */
export const COMMANDS: readonly CommandModule[] = [];
