import type { SqliteEventStore } from '@kopfed/eventstore';
import type { ProofService } from '../proofs/proof-service';
import type { AuditStore } from '../signers/audit-store';
import { verifyDataDir, type DataDirVerification } from '../verify/verify-data-dir';

/** What the audit routes work with. */
export interface AuditContext {
  dataDir: string;
  /** Every store of the node, the audit store among them, by name. */
  stores: ReadonlyMap<string, SqliteEventStore>;
  audit: AuditStore;
  proofs: ProofService;
  clock: () => Date;
  /** Runs verify over the data directory; concurrent callers share one run. */
  verify(): Promise<DataDirVerification>;
}

/** One verify at a time: a second request while one runs waits for the same result. */
export function singleFlightVerify(dataDir: string): () => Promise<DataDirVerification> {
  let running: Promise<DataDirVerification> | undefined;
  return () => {
    running ??= verifyDataDir(dataDir).finally(() => {
      running = undefined;
    });
    return running;
  };
}

/** The node's file paths are no business of the caller's: stores are named, not located. */
export function withoutPaths(result: DataDirVerification) {
  return result.stores.map(({ file: _file, ...store }) => store);
}
