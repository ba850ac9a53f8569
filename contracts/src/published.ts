import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Snapshot } from './snapshot';

/**
 * Reading and locating the committed snapshots (`published/<Name>/v<N>.json`). Kept out of
 * the package's index so that importing the contracts never reaches the file system.
 */
export const PUBLISHED_DIR = resolve(__dirname, '..', 'published');

const SNAPSHOT_FILE = /^v([1-9][0-9]{0,3})\.json$/;

export function snapshotPath(name: string, version: number, dir = PUBLISHED_DIR): string {
  return join(dir, name, `v${version}.json`);
}

export function loadSnapshots(dir = PUBLISHED_DIR): Snapshot[] {
  if (!existsSync(dir)) return [];
  const snapshots: Snapshot[] = [];
  for (const name of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, name)).sort()) {
      const match = SNAPSHOT_FILE.exec(file);
      if (!match) throw new Error(`${join(dir, name, file)}: not a snapshot file name (v<N>.json)`);
      const path = join(dir, name, file);
      const snapshot = Snapshot.parse(JSON.parse(readFileSync(path, 'utf8')));
      if (snapshot.name !== name || snapshot.version !== Number(match[1])) {
        throw new Error(`${path} holds ${snapshot.name} v${snapshot.version}`);
      }
      snapshots.push(snapshot);
    }
  }
  return snapshots;
}
