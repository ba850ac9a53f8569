import type Database from 'better-sqlite3';
import { z } from 'zod';
import { CheckpointCountersigned, type AuditRecords } from '../signers/audit-records';
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

/** Most checkpoints read from one store per export page. */
export const MAX_EXPORTED_CHECKPOINTS = 10_000;

/** A store's checkpoints from `fromSequence` (at most `maxCount`), with their countersignatures. */
export function exportStoreCheckpoints(
  store: string,
  db: Database.Database,
  records: AuditRecords | undefined,
  fromSequence = 1,
  maxCount = MAX_EXPORTED_CHECKPOINTS,
): ExportedCheckpoint[] {
  const rows = db
    .prepare<[string, number, number], { position: number; id: string; body: string }>(
      'SELECT position, id, body FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
    )
    .all(
      AUDIT_STREAMS.checkpoints(store),
      Math.max(0, fromSequence - 1),
      Math.min(maxCount, MAX_EXPORTED_CHECKPOINTS),
    );
  const countersignatures = records?.countersignatures.get(store) ?? [];
  return rows.flatMap((row) => {
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
  });
}
