import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { invariant } from '@kopfed/domain';
import { SqliteEventStore } from '@kopfed/eventstore';
import type { AuditableProjection, ProjectionSource } from './auditable-projection';
import { snapshotDataDir } from './data-dir-snapshot';
import { hashTables } from './table-hash';

export interface ProjectionCheck {
  store: string;
  projection: string;
  tables: readonly string[];
  rows: number;
  /**
   * The log position both states are at: the head of the snapshot, which nothing appends to.
   * The live state is first brought there incrementally, so a projection caught mid-update
   * is compared at the same position as its rebuild, never against a later log.
   */
  position: number | null;
  /** The state as it runs live (first brought to the head incrementally, if it was behind). */
  liveDigest: string | null;
  rebuiltDigest: string | null;
  identical: boolean;
  error: string | null;
}

export interface RebuildCheckResult {
  dataDir: string;
  identical: boolean;
  projections: ProjectionCheck[];
  /** Sources whose store is not in the directory. */
  absent: string[];
}

export interface RebuildCheckOptions {
  /**
   * Where the projections are rebuilt. `{ copyInto }`: `dataDir` may be a running node's; it
   * is snapshotted once (snapshotDataDir) into `copyInto`, an existing empty directory the
   * caller owns and removes after, also when interrupted: the copy holds person keys.
   * `'in-place'`: `dataDir` is already such a snapshot, which nothing else writes to; its
   * projections are dropped and rebuilt in it.
   */
  scratch: { copyInto: string } | 'in-place';
  env?: NodeJS.ProcessEnv;
  onProgress?: (message: string) => void;
  /**
   * Stops the check early, rejecting with the signal's reason: between files of the snapshot,
   * and within a projection at its next page (the copy's store is closed under it).
   */
  signal?: AbortSignal;
}

/**
 * `rebuild-check`: on a snapshot copy of the data directory (the live files are only read),
 * each projection is brought to the head as it runs live and hashed, then dropped, rebuilt
 * from the whole log and hashed again; the two must be identical.
 */
export async function rebuildCheck(
  dataDir: string,
  sources: readonly ProjectionSource[],
  options: RebuildCheckOptions,
): Promise<RebuildCheckResult> {
  const signal = options.signal;
  let snapshot = dataDir;
  if (options.scratch !== 'in-place') {
    snapshot = options.scratch.copyInto;
    await snapshotDataDir(dataDir, snapshot, signal);
  }
  const result: RebuildCheckResult = { dataDir, identical: true, projections: [], absent: [] };
  for (const source of sources) {
    signal?.throwIfAborted();
    const file = join(snapshot, `${source.store}.db`);
    if (!existsSync(file)) {
      result.absent.push(source.store);
      continue;
    }
    const store = new SqliteEventStore({ file, pollIntervalMs: 5 });
    // Its subscriptions stop after the page they are applying; what waits on them then fails.
    let closing: Promise<void> | undefined;
    const stop = () => void (closing = store.close());
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const opened = await source.open({
        dataDir: snapshot,
        store,
        env: options.env ?? process.env,
      });
      try {
        for (const projection of opened.projections) {
          options.onProgress?.(`${source.store}: ${projection.name}`);
          const check = await checkOne(source.store, store, projection);
          signal?.throwIfAborted();
          result.projections.push(check);
        }
      } finally {
        await opened.close?.();
      }
    } catch (error) {
      signal?.throwIfAborted();
      result.projections.push(failed(source.store, '(opening the projections)', [], error));
    } finally {
      signal?.removeEventListener('abort', stop);
      await (closing ?? store.close());
    }
  }
  result.identical = result.projections.every((p) => p.identical);
  return result;
}

async function checkOne(
  storeName: string,
  store: SqliteEventStore,
  projection: AuditableProjection,
): Promise<ProjectionCheck> {
  try {
    const position = await store.headPosition();
    await projection.catchUp();
    const db = projection.database ?? store.database;
    const live = hashTables(db, projection.tables);
    await projection.rebuild();
    const rebuilt = hashTables(db, projection.tables);
    invariant(
      (await store.headPosition()) === position,
      'the snapshot of the store moved while its projection was checked',
    );
    return {
      store: storeName,
      projection: projection.name,
      tables: projection.tables,
      rows: rebuilt.rows,
      position,
      liveDigest: live.digest,
      rebuiltDigest: rebuilt.digest,
      identical: live.digest === rebuilt.digest && projection.tables.length > 0,
      error: projection.tables.length > 0 ? null : 'the projection names no tables',
    };
  } catch (error) {
    return failed(storeName, projection.name, projection.tables, error);
  }
}

function failed(
  store: string,
  projection: string,
  tables: readonly string[],
  error: unknown,
): ProjectionCheck {
  return {
    store,
    projection,
    tables,
    rows: 0,
    position: null,
    liveDigest: null,
    rebuiltDigest: null,
    identical: false,
    error: error instanceof Error ? error.message : String(error),
  };
}
