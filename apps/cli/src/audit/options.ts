import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CommanderError, InvalidArgumentError } from 'commander';

/** Where the stores are: --data-dir, else KOPFED_DATA_DIR, else ./data, as the node has it. */
export function dataDirOf(options: { dataDir?: string }): string {
  return resolve(options.dataDir ?? process.env.KOPFED_DATA_DIR ?? './data');
}

/** The data directory, which must exist: a mistyped one is an error, not an empty node. */
export function existingDataDirOf(options: { dataDir?: string }): string {
  const dataDir = dataDirOf(options);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory())
    throw new Error(`${dataDir}: no such directory`);
  return dataDir;
}

/** What a zod schema offers to check a value. */
interface Schema<T> {
  safeParse(value: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> };
      };
}

/** A JSON file given on the command line; errors name the file. */
export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'not JSON' : (error as Error).message;
    throw new Error(`${file}: ${reason}`, { cause: error });
  }
}

/** A JSON file given on the command line, checked against `schema`: the first issue, named. */
export function readJsonFileAs<T>(file: string, what: string, schema: Schema<T>): T {
  const parsed = schema.safeParse(readJsonFile(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    throw new Error(`${file}: not ${what}: ${where}${issue.message}`);
  }
  return parsed.data;
}

/** A checkpoint number (`--sequence`, `--checkpoint`): a whole number from 1. */
export function checkpointNumberArgument(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text))
    throw new InvalidArgumentError('a checkpoint number is a whole number from 1');
  return Number(text);
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Ends the command with exit code 1 once its report is printed: the check found a problem,
 * or the command refuses. The CLI's main prints `message` on stderr.
 */
export function failed(message: string): never {
  throw new CommanderError(1, FAILED, message);
}

export const FAILED = 'kopfed.audit.failed';
