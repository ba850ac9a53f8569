import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreConformance } from '../conformance/event-store-conformance';

const dirs: string[] = [];

describeEventStoreConformance({
  name: 'SQLite',
  contiguousPositions: true,
  fresh: () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-es-'));
    dirs.push(dir);
    return { url: `sqlite:${dir}`, service: 'conformance' };
  },
});

// Declared after the suite's own afterEach, so it runs once the stores are closed.
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
