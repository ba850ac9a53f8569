import { AUDIT_STORE, AUDIT_STREAMS } from '../checkpoints/checkpoint';
import type { CheckpointExport } from '../checkpoints/checkpoint-export';
import {
  AUDIT_RECORD_CATEGORIES,
  foldAuditRecords,
  SIGNER_CATEGORY,
  type AuditRecords,
} from '../signers/audit-records';
import type { OutsideCheckpoint } from './checkpoint-evidence';
import type { Progress } from './log-scan';
import type { SplitMode } from './split-scan';
import { findStoreFiles, openReadOnly, type StoreFile } from './store-files';
import { verifyStoreFile, type StoreVerification } from './verify-store';

export interface DataDirVerification {
  dataDir: string;
  intact: boolean;
  stores: StoreVerification[];
}

export interface VerifyDataDirOptions {
  /** Checkpoint exports the caller trusts (kept outside the node): the log must still match them. */
  trusted?: readonly CheckpointExport[];
  onProgress?: (store: string, ...progress: Parameters<Progress>) => void;
  /** Whether each store's first pass may run on two threads (see split-scan.ts). */
  split?: SplitMode;
}

/**
 * `verify` over a data directory: every SQLite store in it, with the audit store's signers,
 * witnesses and countersignatures, and any trusted exports. A store the audit store has
 * witnessed, or a trusted export names, but whose file is gone is reported as removed.
 */
export async function verifyDataDir(
  dataDir: string,
  options: VerifyDataDirOptions = {},
): Promise<DataDirVerification> {
  const files = findStoreFiles(dataDir);
  const auditFile = files.find((f) => f.name === AUDIT_STORE);
  // Read before any store: a witness is written after its checkpoint, so every witness read
  // here names a checkpoint the stores, read later, hold. Signers are read again per store.
  const records = auditFile ? readAuditRecords(auditFile) : undefined;
  const latestSigners = auditFile
    ? () => readAuditRecords(auditFile, [SIGNER_CATEGORY]).signers
    : undefined;
  const stores: StoreVerification[] = [];
  for (const file of files) {
    const outside: OutsideCheckpoint[] = [
      ...(records?.witnesses.get(file.name) ?? []).map((w) => ({
        checkpoint: w.checkpoint,
        checkpointPosition: w.checkpointPosition,
        source: `its witness in the audit store`,
      })),
      ...trustedFor(file.name, options.trusted ?? []),
    ];
    stores.push(
      await verifyOne(file, {
        ...(records ? { records } : {}),
        ...(latestSigners ? { latestSigners } : {}),
        outside,
        ...(options.split ? { split: options.split } : {}),
        onProgress: (done, total) => options.onProgress?.(file.name, done, total),
      }),
    );
  }
  const present = new Set(files.map((f) => f.name));
  const seen = [
    ...(records?.witnesses.keys() ?? []),
    ...(options.trusted ?? []).flatMap((e) => e.stores.map((s) => s.store)),
  ];
  for (const store of new Set(seen)) {
    if (!present.has(store)) stores.push(missingStore(dataDir, store, records, options.trusted));
  }
  return { dataDir, intact: stores.every((s) => s.intact), stores };
}

async function verifyOne(
  file: StoreFile,
  options: Parameters<typeof verifyStoreFile>[1],
): Promise<StoreVerification> {
  try {
    return await verifyStoreFile(file, options);
  } catch (error) {
    return failed(
      file.name,
      file.file,
      `the store cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The audit store's records (those of `categories`, by default all), read from its file in
 * the same read-only way as everything else.
 */
export function readAuditRecords(
  file: StoreFile,
  categories: readonly string[] = AUDIT_RECORD_CATEGORIES,
): AuditRecords {
  const db = openReadOnly(file.file);
  try {
    const placeholders = categories.map(() => '?').join(', ');
    const bodies = db
      .prepare<string[], string>(
        `SELECT body FROM events WHERE category IN (${placeholders}) ORDER BY position`,
      )
      .pluck(true)
      .all(...categories);
    return foldAuditRecords(
      bodies.map(
        (body) =>
          JSON.parse(body) as {
            position: number;
            stream: string;
            type: string;
            data: unknown;
            recordedAt: string;
          },
      ),
    );
  } finally {
    db.close();
  }
}

function trustedFor(store: string, exports: readonly CheckpointExport[]): OutsideCheckpoint[] {
  return exports.flatMap((e) =>
    e.stores
      .filter((s) => s.store === store)
      .flatMap((s) =>
        s.checkpoints.map((c) => ({
          checkpoint: c.checkpoint,
          checkpointPosition: c.position,
          source: `the trusted export of ${e.exportedAt}`,
        })),
      ),
  );
}

function missingStore(
  dataDir: string,
  store: string,
  records: AuditRecords | undefined,
  trusted: readonly CheckpointExport[] = [],
): StoreVerification {
  const witnesses = records?.witnesses.get(store) ?? [];
  const exported = trustedFor(store, trusted);
  const [count, source] =
    witnesses.length > 0
      ? [witnesses.length, 'the audit store witnessed']
      : [exported.length, `${exported[0]?.source ?? 'a trusted export'} holds`];
  const result = failed(
    store,
    `${dataDir}/${store}.db`,
    `the store is gone, though ${source} ${count} of its checkpoints`,
  );
  result.first!.kind = 'removed';
  result.first!.position = 1;
  result.first!.stream = AUDIT_STREAMS.checkpoints(store);
  result.checkpoints = count;
  return result;
}

function failed(store: string, file: string, detail: string): StoreVerification {
  const finding = {
    kind: 'altered' as const,
    store,
    position: null,
    stream: null,
    revision: null,
    eventId: null,
    detail,
  };
  return {
    store,
    file,
    intact: false,
    events: 0,
    batches: 0,
    head: 0,
    checkpoints: 0,
    countersignatures: 0,
    first: finding,
    findings: [finding],
    findingCount: 1,
    notes: [],
  };
}
