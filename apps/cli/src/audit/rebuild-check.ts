import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rebuildCheck, type ProjectionSource } from '@kopfed/audit';
// The node's list of every service's projections: the audit module serves the same check.
import { PROJECTION_SOURCES } from '@kopfed/node/src/audit/projection-sources';
import { existingDataDirOf, failed, print, printJson } from './options';
import { withScratchDir } from './scratch-dir';

export interface RebuildCheckOptions {
  dataDir?: string;
  json?: boolean;
}

/**
 * `kopfed audit rebuild-check`: every projection rebuilt from the log on a snapshot copy and
 * compared with its live state; exit 1 if any differs.
 */
export async function checkRebuild(
  options: RebuildCheckOptions,
  sources: readonly ProjectionSource[] = PROJECTION_SOURCES,
): Promise<void> {
  const dataDir = existingDataDirOf(options);
  if (!sources.some((source) => existsSync(join(dataDir, `${source.store}.db`))))
    failed(
      `no store with projections (${sources.map((s) => s.store).join(', ')}) in ${dataDir}: nothing checked`,
    );
  // The node may be running: rebuildCheck copies its files once into the scratch
  // directory, which goes at the end or at an interruption.
  const result = await withScratchDir('kopfed-rebuild-check-', (copyInto) =>
    rebuildCheck(dataDir, sources, {
      scratch: { copyInto },
      onProgress: (message) => {
        if (process.stderr.isTTY) process.stderr.write(`\rrebuilding ${message}\u001b[K`);
      },
    }),
  );
  if (process.stderr.isTTY) process.stderr.write('\r\u001b[K');
  if (options.json) printJson(result);
  else {
    for (const p of result.projections) {
      const state = p.identical ? 'identical' : 'DIFFERS  ';
      const why =
        p.error ??
        (p.identical
          ? `${p.rows.toLocaleString('en')} rows in ${p.tables.join(', ')}`
          : `live ${p.liveDigest} ≠ rebuilt ${p.rebuiltDigest}`);
      print(`${p.store}: ${p.projection.padEnd(28)} ${state} ${why}`);
    }
    for (const store of result.absent)
      print(`${store}: no store in this directory, nothing to check`);
    print(result.identical ? 'identical' : 'DIFFERS');
  }
  if (!result.identical) failed('a projection rebuilt differently from its live state');
}
