import { resolve } from 'node:path';
import { CommanderError } from 'commander';

/** Where the stores are: --data-dir, else KOPFED_DATA_DIR, else ./data, as the node has it. */
export function dataDirOf(options: { dataDir?: string }): string {
  return resolve(options.dataDir ?? process.env.KOPFED_DATA_DIR ?? './data');
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Ends the command with exit code 1 once its report is printed: the check found a problem. */
export function failed(message: string): never {
  throw new CommanderError(1, 'kopfed.audit.failed', message);
}
