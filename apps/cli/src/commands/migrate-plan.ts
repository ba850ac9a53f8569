import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MigrationError } from './migrate-copy';

/** The embedded node's stores: the four services and the API keys (apps/node). */
export const DEFAULT_STORES = ['member', 'savings', 'loan', 'settlement', 'access'] as const;
const STORE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TARGET_URL = /^(sqlite:\S.*|kurrentdb(\+discover)?:\/\/\S+|esdb:\/\/\S+)$/;

export interface MigrationPlan {
  sourceDir: string;
  targetUrl: string;
  stores: string[];
  /** What the copy leaves behind that the operator must move by hand. */
  notices: string[];
}

export interface PlanOptions {
  from: string;
  to: string;
  /** Comma-separated store names; every one must exist. Default: those of DEFAULT_STORES that do. */
  services?: string;
}

export function planMigration(options: PlanOptions): MigrationPlan {
  if (!options.from.startsWith('sqlite:') || options.from === 'sqlite::memory:') {
    throw new MigrationError('--from must be sqlite:<directory>, the embedded stores');
  }
  const sourceDir = resolve(options.from.slice('sqlite:'.length));
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    throw new MigrationError(`--from: ${sourceDir} is not a directory`);
  }
  if (!TARGET_URL.test(options.to) || options.to === 'sqlite::memory:') {
    throw new MigrationError(
      '--to must be kurrentdb://host:port[,host:port]… or sqlite:<directory>',
    );
  }
  const targetUrl = options.to.startsWith('sqlite:')
    ? `sqlite:${resolve(options.to.slice('sqlite:'.length))}`
    : options.to;
  if (targetUrl === `sqlite:${sourceDir}`) {
    throw new MigrationError('--to names the same directory as --from');
  }
  const stores = chooseStores(sourceDir, options.services);
  return { sourceDir, targetUrl, stores, notices: notices(sourceDir, stores) };
}

function chooseStores(sourceDir: string, services: string | undefined): string[] {
  const present = (name: string) => existsSync(join(sourceDir, `${name}.db`));
  if (services === undefined) {
    const found = DEFAULT_STORES.filter(present);
    if (found.length === 0) throw new MigrationError(`--from: no stores in ${sourceDir}`);
    return found;
  }
  const names = [...new Set(services.split(',').map((s) => s.trim()))];
  for (const name of names) {
    if (!STORE_NAME.test(name))
      throw new MigrationError(`--services: "${name}" is not a store name`);
    if (!present(name))
      throw new MigrationError(`--services: ${sourceDir}/${name}.db does not exist`);
  }
  return names;
}

/** Person keys are not events: without them the migrated personal data cannot be read. */
function notices(sourceDir: string, stores: readonly string[]): string[] {
  if (!stores.includes('member')) return [];
  return ['member-master.key', 'member-keys.db']
    .filter((file) => existsSync(join(sourceDir, file)))
    .map(
      (file) =>
        `${join(sourceDir, file)} is not an event store and is not copied: move it to the member ` +
        `service's KOPFED_DATA_DIR${file.endsWith('.key') ? ' (or set KOPFED_MASTER_KEY to its contents)' : ''}` +
        (hasWal(join(sourceDir, file))
          ? ` together with ${file}-wal beside it, which holds keys not yet in the file ` +
            '(a node stopped cleanly folds it in): moved alone, the persons registered last read as erased'
          : ''),
    );
}

/** A SQLite file whose write-ahead log still holds commits (left by a node that did not stop cleanly). */
function hasWal(file: string): boolean {
  return existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0;
}
