import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { rebuildCheck, type ProjectionSource } from '@kopfed/audit';
// The node's list of every service's projections: the audit module serves the same check.
import { PROJECTION_SOURCES } from '@kopfed/node/src/audit/projection-sources';
import { snapshotDataDir } from './data-dir-snapshot';
import { existingDataDirOf, failed, print, printJson } from './options';
import { withScratchDir } from './scratch-dir';

export function registerRebuildCheck(
  audit: Command,
  sources: readonly ProjectionSource[] = PROJECTION_SOURCES,
): void {
  audit
    .command('rebuild-check')
    .description(
      'On a snapshot copy of the data directory, bring every projection to the head, hash its tables, drop and rebuild it from the log, and compare; exit 1 if any differs',
    )
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .option('--json', 'print the full result as JSON')
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const dataDir = existingDataDirOf(options);
      if (!sources.some((source) => existsSync(join(dataDir, `${source.store}.db`))))
        failed(
          `no store with projections (${sources.map((s) => s.store).join(', ')}) in ${dataDir}: nothing checked`,
        );
      const result = await withScratchDir('kopfed-rebuild-check-', async (scratch) => {
        // The node may be running: rebuild-check works on a snapshot whose key stores agree
        // with its event stores (see snapshotDataDir), which nothing writes to any more.
        const snapshot = join(scratch, 'data');
        mkdirSync(snapshot);
        snapshotDataDir(dataDir, snapshot);
        const checked = await rebuildCheck(snapshot, sources, {
          onProgress: (message) => {
            if (process.stderr.isTTY) process.stderr.write(`\rrebuilding ${message}\u001b[K`);
          },
        });
        return { ...checked, dataDir };
      });
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
    });
}
