import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/**
 * The peers' own npm project (tests/bench/peers): emmett, sqlite3 and autocannon, kept out of
 * the root workspaces and lockfile because sqlite3 compiles from source on install.
 */
export const PEERS_DIR = resolve(__dirname, '../../peers');

/** What a finished `npm ci` leaves: the packages, and sqlite3's compiled addon. */
const INSTALLED_MARKERS = [
  'node_modules/.package-lock.json',
  'node_modules/@event-driven-io/emmett-sqlite/package.json',
  'node_modules/autocannon/package.json',
  'node_modules/sqlite3/build/Release/node_sqlite3.node',
];

export function peersInstalled(dir: string = PEERS_DIR): boolean {
  return INSTALLED_MARKERS.every((marker) => existsSync(join(dir, marker)));
}

/** Installs the peers on first use; stdout stays clean for `--json`. */
export function ensurePeersInstalled(dir: string = PEERS_DIR): void {
  if (peersInstalled(dir)) return;
  process.stderr.write(
    `peers: installing emmett, sqlite3 (built from source, a few CPU-minutes) and autocannon: npm ci --prefix ${dir}\n`,
  );
  const result = spawnSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], {
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0 || !peersInstalled(dir))
    throw new Error(`npm ci --prefix ${dir} failed (exit ${result.status ?? result.signal})`);
}

/** `require` as seen from the peers' project, so its packages resolve from its node_modules. */
export function peersRequire(dir: string = PEERS_DIR): NodeJS.Require {
  return createRequire(join(dir, 'package.json'));
}
