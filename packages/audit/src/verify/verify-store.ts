import type { AuditRecords } from '../signers/audit-records';
import { checkCountersignatures, checkExtent } from './after-scan-checks';
import { gatherEvidence, type OutsideCheckpoint } from './checkpoint-evidence';
import { checkStreamHeads } from './stream-heads-check';
import { FindingLog, type Finding } from './findings';
import type { Progress } from './log-scan';
import { scanRevisions } from './revision-scan';
import { scanLog, type SplitMode } from './split-scan';
import { inFileSnapshot, type StoreFile } from './store-files';

export interface StoreVerification {
  store: string;
  file: string;
  intact: boolean;
  events: number;
  batches: number;
  /** The last position in the log. */
  head: number;
  checkpoints: number;
  countersignatures: number;
  /** The first event altered, removed, inserted or reordered; null when intact. */
  first: Finding | null;
  /** The earliest findings, in log order (at most MAX_FINDINGS). */
  findings: Finding[];
  findingCount: number;
  /** What the result does not cover, e.g. events after the newest checkpoint. */
  notes: string[];
}

export interface VerifyStoreOptions {
  /** The audit store's signers, witnesses and countersignatures; undefined when there is none. */
  records?: AuditRecords;
  /**
   * The audit store's signers as they are now, asked for once the store's snapshot is taken,
   * in place of those in `records`: a node registers its key before it signs with it, so every
   * key that signed a checkpoint in the snapshot is among them, also a key registered after
   * `records` was read (a node started with a new key while verify runs).
   */
  latestSigners?: () => AuditRecords['signers'];
  /** Checkpoints of this store known from outside it (witnesses, trusted exports). */
  outside?: readonly OutsideCheckpoint[];
  onProgress?: Progress;
  /** Whether the first pass may run on two threads (see split-scan.ts); `auto` by default. */
  split?: SplitMode;
}

/**
 * Verifies one SQLite store file in one read snapshot, changing nothing: checkpoints first
 * (signatures, chain, witnesses), then every event and batch in log order (positions, columns,
 * seals, fingerprints, Merkle roots), then every stream's revisions, then the log's extent
 * against everything that saw it longer, then the stream heads the checkpoints signed, then
 * countersignatures.
 */
export async function verifyStoreFile(
  storeFile: StoreFile,
  options: VerifyStoreOptions = {},
): Promise<StoreVerification> {
  const { name, file } = storeFile;
  const findings = new FindingLog(name);
  return inFileSnapshot(file, async (db) => {
    const records =
      options.records && options.latestSigners
        ? { ...options.records, signers: options.latestSigners() }
        : options.records;
    const evidence = gatherEvidence(db, name, records, options.outside ?? [], findings);
    const scan = await scanLog(db, storeFile, evidence, findings, {
      ...(options.split ? { split: options.split } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    if (!scan.revisionsChecked) {
      const removed = findings.sorted().filter((f) => f.kind === 'removed');
      await scanRevisions(db, findings, removed);
    }
    checkExtent(name, scan.head, evidence.claims, findings);
    checkStreamHeads(db, evidence, findings);
    const countersignatures = checkCountersignatures(name, records, evidence, findings);
    const sorted = findings.sorted();
    const covered = evidence.fingerprints.coveredThrough;
    const notes: string[] = [];
    if (scan.events > 0 && evidence.checkpoints === 0)
      notes.push('no checkpoint yet: the events are protected by the seal chain alone');
    else if (scan.head > covered + 1)
      notes.push(
        `positions ${covered + 1}..${scan.head} are after the newest checkpoint: protected by the seal chain alone`,
      );
    for (const unreadable of options.records?.unreadable ?? [])
      notes.push(
        `audit record at position ${unreadable.position} of the audit store does not read: ${unreadable.reason}`,
      );
    return {
      store: name,
      file,
      intact: findings.count === 0,
      events: scan.events,
      batches: scan.batches,
      head: scan.head,
      checkpoints: evidence.checkpoints,
      countersignatures,
      first: sorted[0] ?? null,
      findings: sorted,
      findingCount: findings.count,
      notes,
    };
  });
}
