import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { peersInstalled } from './install';

const MARKERS = [
  'node_modules/.package-lock.json',
  'node_modules/@event-driven-io/emmett-sqlite/package.json',
  'node_modules/autocannon/package.json',
  'node_modules/sqlite3/build/Release/node_sqlite3.node',
];

describe('the peers install check', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kopfed-peers-check-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const touch = (path: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), '');
  };

  it('skips npm ci only when the packages and the compiled sqlite3 addon are all there', () => {
    expect(peersInstalled(dir)).toBe(false);
    MARKERS.forEach(touch);
    expect(peersInstalled(dir)).toBe(true);
  });

  it('installs again after an install that stopped before sqlite3 was built', () => {
    MARKERS.slice(0, 3).forEach(touch);
    expect(peersInstalled(dir)).toBe(false);
  });
});
