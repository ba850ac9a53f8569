import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  CheckpointCountersigned,
  type AuditRecords,
  type Countersignature,
} from '../signers/audit-records';
import {
  AUDIT_STREAMS,
  CheckpointEventData,
  SignedCheckpoint,
  STORE_NAME_PATTERN,
} from './checkpoint';

export const CHECKPOINT_EXPORT_FORMAT = 'kopfed-checkpoints-v1';

export const ExportedCheckpoint = z.strictObject({
  checkpoint: SignedCheckpoint,
  /** Where the checkpoint event sits in its store. */
  position: z.number().int().min(1),
  eventId: z.uuid(),
  countersignatures: z.array(CheckpointCountersigned),
});
export type ExportedCheckpoint = z.infer<typeof ExportedCheckpoint>;

/**
 * Checkpoints as they leave the node: an auditor or a primary coop keeps this file, checks it
 * with `kopfed audit countersign`, and later hands it to `kopfed audit verify --trusted`, so
 * that a history rewritten since — even re-signed with the node's own key — is caught.
 */
export const CheckpointExport = z.strictObject({
  format: z.literal(CHECKPOINT_EXPORT_FORMAT),
  exportedAt: z.iso.datetime(),
  stores: z.array(
    z.strictObject({
      store: z.string().regex(STORE_NAME_PATTERN),
      checkpoints: z.array(ExportedCheckpoint),
    }),
  ),
});
export type CheckpointExport = z.infer<typeof CheckpointExport>;

/** Most checkpoints read from one store per query (and per page of the HTTP export). */
export const MAX_EXPORTED_CHECKPOINTS = 10_000;
/** A store signs about one checkpoint a minute: this many pages is more than a century's. */
const MAX_PAGES = 10_000;

/**
 * A store's checkpoints from `fromSequence`, with their countersignatures: at most `maxCount`,
 * or every one when none is given (the CLI's export and the audit package: one left out is
 * history the auditor's copy no longer holds the node to), read a page at a time.
 */
export function exportStoreCheckpoints(
  store: string,
  db: Database.Database,
  records: AuditRecords | undefined,
  fromSequence = 1,
  maxCount?: number,
): ExportedCheckpoint[] {
  const read = db.prepare<
    [string, number, number],
    { revision: number; position: number; id: string; body: string }
  >(
    'SELECT revision, position, id, body FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
  );
  const countersignatures = records?.countersignatures.get(store) ?? [];
  const exported: ExportedCheckpoint[] = [];
  let revision = Math.max(0, fromSequence - 1);
  let left = maxCount ?? Number.POSITIVE_INFINITY;
  for (let page = 0; page < MAX_PAGES && left > 0; page++) {
    const size = Math.min(left, MAX_EXPORTED_CHECKPOINTS);
    const rows = read.all(AUDIT_STREAMS.checkpoints(store), revision, size);
    for (const row of rows) exported.push(...exportedOf(row, countersignatures));
    if (rows.length < size) return exported;
    left -= rows.length;
    revision = rows[rows.length - 1]!.revision + 1;
  }
  if (left > 0) throw new Error(`${store} has more than ${MAX_PAGES} pages of checkpoints`);
  return exported;
}

function exportedOf(
  row: { position: number; id: string; body: string },
  countersignatures: readonly Countersignature[],
): ExportedCheckpoint[] {
  const parsed = CheckpointEventData.safeParse((JSON.parse(row.body) as { data?: unknown }).data);
  if (!parsed.success) return [];
  const { statement, signature } = parsed.data;
  return [
    {
      checkpoint: { statement, signature },
      position: row.position,
      eventId: row.id,
      countersignatures: countersignatures
        .filter((c) => c.sequence === statement.sequence)
        .map(({ recordedAt: _recordedAt, ...c }) => c),
    },
  ];
}
