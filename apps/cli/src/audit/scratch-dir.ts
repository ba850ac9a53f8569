import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `work` in a fresh private directory under the temporary folder and removes it after:
 * it holds a copy of the node's data, person keys included. Everything `work` puts under
 * os.tmpdir() lands in it too.
 */
export async function withScratchDir<T>(
  prefix: string,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const tmpdirBefore = process.env.TMPDIR;
  // Libraries that copy into os.tmpdir() (the audit package's rebuildCheck) copy in here.
  process.env.TMPDIR = dir;
  try {
    return await work(dir);
  } finally {
    if (tmpdirBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdirBefore;
    rmSync(dir, { recursive: true, force: true });
  }
}
