import { setImmediate } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import {
  BOUND_LIMIT,
  canonicalEventText,
  LIMITS,
  type EventStore,
  type RecordedEvent,
  type SealedBatch,
} from '@kopfed/eventstore';
import type { StreamHead } from '../merkle/stream-heads';
import { sqliteDatabaseOf } from '../verify/read-only-store';

/** One sealed append batch with its events' canonical texts, as the sealer hashes them. */
export interface BatchWithTexts {
  batch: SealedBatch;
  /** The batch's events' canonical texts in position order. */
  texts: string[];
  ids: string[];
  /** An append writes one stream's consecutive revisions. */
  stream: string;
  firstRevision: number;
}

/** What the sealer reads from a store: whole sealed batches with their texts. */
export interface LogSource {
  headPosition(): Promise<number>;
  /** Whole batches after `afterBatch`, at least one if any, stopping once `maxEvents` are reached. */
  batchesAfter(afterBatch: number, maxEvents: number): Promise<BatchWithTexts[]>;
  /** Canonical texts of positions after `afterPosition` (at most `maxCount`), in order. */
  texts(afterPosition: number, maxCount: number): Promise<{ position: number; text: string }[]>;
  /** Every stream's head at `throughPosition`, in the order of the streams' first events. */
  streamHeads(throughPosition: number): Promise<StreamHead[]>;
}

const BATCH_PAGE = 1_000;
/** Positions grouped at once when gathering stream heads, a turn of the event loop between. */
const HEADS_RANGE = 50_000;

/**
 * The SQLite adapter keeps each event as its canonical text, so the sealer reads the bodies
 * raw. Any other store is read through the port and its events written back into canonical
 * form — the same text, since data and metadata are JSON written by JSON.stringify.
 */
export function logSourceOf(
  store: EventStore,
  { headsRange = HEADS_RANGE }: { headsRange?: number } = {},
): LogSource {
  const db = sqliteDatabaseOf(store);
  return db ? sqliteSource(store, db, headsRange) : portSource(store);
}

function sqliteSource(store: EventStore, db: Database.Database, headsRange: number): LogSource {
  const batches = db.prepare<
    [number, number],
    { batch: number; first_position: number; last_position: number; seal: string }
  >(
    `SELECT batch, first_position, last_position, seal FROM batches WHERE batch > ? ORDER BY batch ${BOUND_LIMIT}`,
  );
  const rows = db
    .prepare<[number, number], [number, string, string, number, string]>(
      'SELECT position, id, stream, revision, body FROM events WHERE position > ? AND position <= ? ORDER BY position',
    )
    .raw(true);
  const texts = db
    .prepare<[number, number], [number, string]>(
      `SELECT position, body FROM events WHERE position > ? ORDER BY position ${BOUND_LIMIT}`,
    )
    .raw(true);
  // One pass over the log, range by range: the price of a stream proof and of a sealer's start.
  const heads = db
    .prepare<[number, number], [string, number, number, number]>(
      'SELECT stream, MAX(revision), MAX(position), MIN(position) AS first FROM events WHERE position > ? AND position <= ? GROUP BY stream ORDER BY first',
    )
    .raw(true);
  return {
    headPosition: () => store.headPosition(),
    async batchesAfter(afterBatch, maxEvents) {
      const page = takeUpTo(
        batches.all(afterBatch, batchesFor(maxEvents)).map((b) => ({
          batch: b.batch,
          firstPosition: b.first_position,
          lastPosition: b.last_position,
          seal: b.seal,
        })),
        maxEvents,
      );
      if (page.length === 0) return [];
      const events = rows.all(page[0]!.firstPosition - 1, page[page.length - 1]!.lastPosition);
      return splitIntoBatches(
        page,
        events.map(([position, id, stream, revision, text]) => ({
          position,
          id,
          stream,
          revision,
          text,
        })),
      );
    },
    async texts(afterPosition, maxCount) {
      return texts.all(afterPosition, maxCount).map(([position, text]) => ({ position, text }));
    },
    async streamHeads(throughPosition) {
      // A stream met again keeps its place in the map: the order of the streams' first events.
      const found = new Map<string, StreamHead>();
      for (let after = 0; after < throughPosition; after += headsRange) {
        if (after > 0) await setImmediate();
        const through = Math.min(after + headsRange, throughPosition);
        for (const [stream, lastRevision, lastPosition] of heads.iterate(after, through))
          found.set(stream, { stream, lastRevision, lastPosition });
      }
      return [...found.values()];
    },
  };
}

function portSource(store: EventStore): LogSource {
  const read = async (after: number, maxCount: number) =>
    (await store.readAll({ after, maxCount: Math.min(maxCount, LIMITS.readAllMaxCount) })).map(
      (event) => ({
        position: event.position,
        id: event.id,
        stream: event.stream,
        revision: event.revision,
        text: textOf(event),
      }),
    );
  return {
    headPosition: () => store.headPosition(),
    async batchesAfter(afterBatch, maxEvents) {
      const page = takeUpTo(
        await store.readBatches({ afterBatch, maxCount: batchesFor(maxEvents) }),
        maxEvents,
      );
      if (page.length === 0) return [];
      const first = page[0]!.firstPosition;
      const last = page[page.length - 1]!.lastPosition;
      const events: Awaited<ReturnType<typeof read>> = [];
      for (let after = first - 1; after < last;) {
        const chunk = await read(after, last - after);
        if (chunk.length === 0) break;
        events.push(...chunk);
        after = chunk[chunk.length - 1]!.position;
      }
      return splitIntoBatches(
        page,
        events.filter((e) => e.position <= last),
      );
    },
    async texts(afterPosition, maxCount) {
      return (await read(afterPosition, maxCount)).map(({ position, text }) => ({
        position,
        text,
      }));
    },
    async streamHeads(throughPosition) {
      const heads = new Map<string, StreamHead>();
      for (let after = 0; after < throughPosition;) {
        const page = await read(after, Math.min(BATCH_PAGE, throughPosition - after));
        if (page.length === 0) break;
        for (const { stream, revision, position } of page)
          if (position <= throughPosition)
            heads.set(stream, { stream, lastRevision: revision, lastPosition: position });
        after = page[page.length - 1]!.position;
      }
      return [...heads.values()];
    },
  };
}

function textOf(event: RecordedEvent): string {
  return canonicalEventText({
    ...event,
    dataJson: JSON.stringify(event.data),
    metadataJson: JSON.stringify(event.metadata),
  });
}

/**
 * Batches to read for at most `maxEvents` events: each holds one or more, so never more than
 * that. The sealer asks for 250 events a slice; reading a page of 1,000 batches for each cost
 * it 360 µs a slice, three quarters of it for batches it left (docs/performance.md, "A
 * statement's cost").
 */
function batchesFor(maxEvents: number): number {
  return Math.max(1, Math.min(BATCH_PAGE, maxEvents));
}

/** Batches in order while their events stay within `maxEvents` (always at least one). */
function takeUpTo(batches: readonly SealedBatch[], maxEvents: number): SealedBatch[] {
  const taken: SealedBatch[] = [];
  let events = 0;
  for (const batch of batches) {
    const size = batch.lastPosition - batch.firstPosition + 1;
    if (taken.length > 0 && events + size > maxEvents) break;
    taken.push(batch);
    events += size;
  }
  return taken;
}

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  text: string;
}

/** Splits rows over the batches' ranges; a row missing or out of place is an error, not a guess. */
function splitIntoBatches(batches: readonly SealedBatch[], rows: readonly Row[]): BatchWithTexts[] {
  let next = 0;
  return batches.map((batch) => {
    if (batch.lastPosition < batch.firstPosition)
      throw new LogDamagedError(`batch ${batch.batch} has an empty range`);
    const texts: string[] = [];
    const ids: string[] = [];
    const first = rows[next];
    for (let position = batch.firstPosition; position <= batch.lastPosition; position++) {
      const row = rows[next];
      if (row?.position !== position)
        throw new LogDamagedError(`position ${position} of batch ${batch.batch} is missing`);
      if (row.stream !== first!.stream || row.revision !== first!.revision + texts.length)
        throw new LogDamagedError(
          `batch ${batch.batch} is not one stream's consecutive revisions at position ${position}`,
        );
      texts.push(row.text);
      ids.push(row.id);
      next += 1;
    }
    return { batch, texts, ids, stream: first!.stream, firstRevision: first!.revision };
  });
}

/** The log is not what the store wrote: the sealer refuses to sign it. */
export class LogDamagedError extends Error {
  override readonly name = 'LogDamagedError';
}
