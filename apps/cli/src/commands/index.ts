import type { CommandModule } from '../command-module';
import { auditCommands } from './audit';
import { migrateCommand } from './migrate';
import { syncCommand } from './sync';

/** Every command group, in the order `kopfed --help` lists them. Each lives in its own file. */
export const COMMANDS: readonly CommandModule[] = [auditCommands, syncCommand, migrateCommand];
