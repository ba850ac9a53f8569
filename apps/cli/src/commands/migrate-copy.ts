import type { EventStore, NewEvent, RecordedEvent } from '@kopfed/eventstore';
import { batchesOf } from './migrate-log';

/**
 * The target's checkpoint of a migration: the source position copied through. It makes a
 * migration resumable (start after it) and exclusive (compare-and-set), and tells a target
 * that holds only migrated events from one that holds events of its own.
 */
export const MIGRATION_CHECKPOINT = 'migration:source-position';

/** The checkpoint moves at least this often (appends); a resumed copy re-appends the rest. */
const CHECKPOINT_EVERY_APPENDS = 100;

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface CopyProgress {
  /** Source position copied through. */
  position: number;
  /** The source's newest position when the copy started. */
  head: number;
  copiedEvents: number;
}

export interface CopyOptions {
  /** A source batch larger than this is appended in parts (KurrentDB limits append sizes). */
  maxAppendEvents: number;
  onProgress?: (progress: CopyProgress) => void;
}

export interface CopyResult {
  /** Source position the copy resumed after (0: from the start). */
  resumedAfter: number;
  copiedEvents: number;
  appends: number;
}

/**
 * Copies a store's log into an empty target (or one this copy already started), append by
 * append in the source's global order: the same ids, streams, revisions, types, data,
 * metadata, recordedAt and businessDate. Each append names the revision the source had
 * before it, so a target that diverged refuses instead of interleaving. An append repeated
 * after a crash is answered from what the store already holds (idempotent re-append).
 */
export async function copyStore(
  source: EventStore,
  target: EventStore,
  options: CopyOptions,
): Promise<CopyResult> {
  const resumedAfter = await target.checkpoints.get(MIGRATION_CHECKPOINT);
  if (resumedAfter === undefined && (await target.headPosition()) > 0) {
    throw new MigrationError(
      'the target already holds events that no migration wrote; refusing to mix two logs',
    );
  }
  const head = await source.headPosition();
  let stored = resumedAfter;
  let position = resumedAfter ?? 0;
  if (stored === undefined) {
    // Claimed before the first append: a copy cut short before its first checkpoint is still
    // this migration's, resumed from the start (the appends it made are answered again).
    if (!(await target.checkpoints.compareAndSet(MIGRATION_CHECKPOINT, undefined, 0))) {
      throw new MigrationError('another migration is writing to the same target');
    }
    stored = 0;
  }
  let copiedEvents = 0;
  let appends = 0;
  const checkpoint = async () => {
    if (stored === position) return;
    if (!(await target.checkpoints.compareAndSet(MIGRATION_CHECKPOINT, stored, position))) {
      throw new MigrationError('another migration is writing to the same target');
    }
    stored = position;
  };
  for await (const { events } of batchesOf(source, position)) {
    for (const part of parts(events, options.maxAppendEvents)) {
      const first = part[0]!;
      await target.append(first.stream, part.map(toNewEvent), {
        expectedRevision: first.revision === 0 ? 'no_stream' : first.revision - 1,
      });
      position = part[part.length - 1]!.position;
      copiedEvents += part.length;
      appends += 1;
      if (appends % CHECKPOINT_EVERY_APPENDS === 0) await checkpoint();
      options.onProgress?.({ position, head, copiedEvents });
    }
  }
  await checkpoint();
  return { resumedAfter: resumedAfter ?? 0, copiedEvents, appends };
}

function parts<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}

export function toNewEvent(event: RecordedEvent): NewEvent {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
    businessDate: event.businessDate,
  };
}
