import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@kopfed/eventstore';
import type { ServiceModule, ServiceModuleDeps } from '@kopfed/service-kit';
import { AUDIT_STORE } from '../checkpoints/checkpoint';
import { SqliteMerkleNodeCache } from '../checkpoints/node-cache';
import { SealingLoop } from '../checkpoints/sealing-loop';
import { loadNodeSigningKey } from '../keys/node-key';
import { ProofService } from '../proofs/proof-service';
import type { ProjectionSource } from '../rebuild/auditable-projection';
import { rebuildCheck, type RebuildCheckResult } from '../rebuild/rebuild-check';
import { RebuildJobs } from '../rebuild/rebuild-jobs';
import { AuditStore } from '../signers/audit-store';
import { findStoreFiles } from '../verify/store-files';
import { singleFlightVerify, type AuditContext } from './audit-context';
import { booksRoutes } from './books-routes';
import { proofRoutes } from './proof-routes';
import { rebuildRoutes } from './rebuild-routes';
import { sealingSettings } from './sealing-settings';
import { signerRoutes } from './signer-routes';
import { verifyRoutes } from './verify-routes';

export interface AuditModuleOptions {
  /**
   * The node's other stores, by name. By default every SQLite store file in the data
   * directory is opened on a connection of the module's own (SQLite serialises the writers).
   */
  stores?: (deps: ServiceModuleDeps) => ReadonlyMap<string, SqliteEventStore>;
  /**
   * The services' projections, for rebuild-check over HTTP (`/rebuild-checks`), opened over a
   * snapshot copy of the data directory as `kopfed audit rebuild-check` opens them. A node
   * that names none does not serve rebuild-check: there would be nothing to compare.
   */
  projections?: readonly ProjectionSource[];
}

/**
 * The audit module: checkpoints every store in the background (signed with the node's key,
 * witnessed in the audit store — the module's own store, `audit.db`) and serves verify,
 * checkpoint export, proofs, signer registration, countersignatures and rebuild-check (when the
 * node names its projections) to auditors under `/api/audit/v1`.
 */
export function createAuditModule(options: AuditModuleOptions = {}): ServiceModule {
  return {
    name: AUDIT_STORE,
    async create(deps) {
      if (!(deps.store instanceof SqliteEventStore))
        throw new Error('the audit module runs on the embedded SQLite stores');
      // Settings first: a bad one stops the node before any store file is opened here.
      const settings = sealingSettings(deps.env);
      const key = loadNodeSigningKey(deps.dataDir, deps.env);
      const opened: SqliteEventStore[] = [];
      const others = options.stores?.(deps) ?? openStoreFiles(deps.dataDir, opened);
      const stores = new Map<string, SqliteEventStore>(
        [...others].filter(([name]) => name !== AUDIT_STORE),
      );
      stores.set(AUDIT_STORE, deps.store);
      const audit = new AuditStore(deps.store);
      const nodeCache = new SqliteMerkleNodeCache(deps.readModels);
      const loop = new SealingLoop({
        stores,
        audit,
        key,
        nodeCache,
        intervalMs: settings.intervalMs,
        everyEvents: settings.everyEvents,
        logger: deps.logger,
        clock: deps.clock,
      });
      const ctx: AuditContext = {
        dataDir: deps.dataDir,
        stores,
        audit,
        proofs: new ProofService(stores, nodeCache),
        clock: deps.clock,
        verify: singleFlightVerify(deps.dataDir),
      };
      const sources = options.projections ?? [];
      // A node killed during a check (SIGKILL, a crash, OOM) left its copy, person keys and all.
      removeLeftCopies(scratchOf(deps.dataDir));
      const rebuilds = new RebuildJobs({
        run: (signal) => rebuildCheckOfLive(deps.dataDir, sources, deps.env, signal),
        clock: deps.clock,
      });
      return {
        definition: {
          service: 'audit',
          version: 'v1',
          title: 'kopfed audit',
          description:
            'Tamper evidence for auditors: verify every store, export signed checkpoints, prove events and streams against them, register countersigning keys and record countersignatures; replay a coop’s books from the events alone and export its audit package; rebuild every projection from the log and compare it with its live state.',
          routes: [
            ...verifyRoutes(ctx),
            ...proofRoutes(ctx),
            ...signerRoutes(ctx),
            ...booksRoutes(ctx),
            ...(sources.length > 0 ? rebuildRoutes(rebuilds) : []),
          ],
        },
        async start() {
          if (settings.intervalMs > 0) await loop.start();
        },
        async close() {
          await loop.stop();
          await rebuilds.close();
          for (const store of opened) await store.close();
        },
      };
    },
  };
}

/** The default module: every SQLite store in the node's data directory. */
export const auditModule: ServiceModule = createAuditModule();

/**
 * Where the node's rebuild-checks copy its data directory: inside it, so the copy of the
 * person keys is as private as the keys themselves (0700, on the operator's volume, never the
 * shared temporary folder), and a copy a killed node left is found and removed at its next start.
 */
function scratchOf(dataDir: string): string {
  return join(dataDir, 'rebuild-check');
}

/**
 * Removes the copies under `scratch` whose process is gone: a copy named after another process
 * still running on this machine is its check in progress. A copy named after this process, or
 * otherwise (older builds), is removed too. (An unrelated process that took a dead node's pid
 * keeps its copy until it ends.)
 */
function removeLeftCopies(scratch: string): void {
  if (!existsSync(scratch)) return;
  for (const entry of readdirSync(scratch)) {
    const owner = /^check-(\d+)-/.exec(entry)?.[1];
    // This process's own pid is a copy a killed node left: in a container every node is pid 1.
    const running =
      owner !== undefined && Number(owner) !== process.pid && processIsAlive(Number(owner));
    if (running) continue;
    rmSync(join(scratch, entry), { recursive: true, force: true });
  }
  if (readdirSync(scratch).length === 0) rmSync(scratch, { recursive: true, force: true });
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * rebuild-check of the node's own, live data directory, on one snapshot under scratchOf,
 * removed once checked or cancelled (it holds person keys).
 */
async function rebuildCheckOfLive(
  dataDir: string,
  sources: readonly ProjectionSource[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<RebuildCheckResult> {
  const scratch = scratchOf(dataDir);
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  chmodSync(scratch, 0o700);
  // Named after this process, so that another node starting over the same directory (an
  // overlapping restart) leaves it alone while it runs.
  const copyInto = mkdtempSync(join(scratch, `check-${process.pid}-`));
  try {
    return await rebuildCheck(dataDir, sources, { scratch: { copyInto }, env, signal });
  } finally {
    rmSync(copyInto, { recursive: true, force: true });
  }
}

function openStoreFiles(
  dataDir: string,
  opened: SqliteEventStore[],
): Map<string, SqliteEventStore> {
  const stores = new Map<string, SqliteEventStore>();
  for (const { name, file } of findStoreFiles(dataDir)) {
    if (name === AUDIT_STORE) continue;
    const store = new SqliteEventStore({ file });
    opened.push(store);
    stores.set(name, store);
  }
  return stores;
}
