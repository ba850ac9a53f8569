import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { applyPragmas, SqliteEventStore, type NewEvent } from '@kopfed/eventstore';
import { service } from '../settlement';
import { GROUP_SIZE, leg } from '../settlement-load';
import { syncTimed, timed, type Timed } from './timing';

/** As the settlement bench (its service, coops and legs): atomic groups of GROUP_SIZE transfers. */
export { GROUP_SIZE };

export interface EventRow {
  position: number;
  id: string;
  stream: string;
  revision: number;
  category: string;
  type: string;
  recorded_at: string;
  business_date: string;
  batch: number;
  body: string;
}

export interface BatchRow {
  batch: number;
  first_position: number;
  last_position: number;
  seal: string;
}

/** What kopfed made durable for the groups: the rows the raw baseline then inserts again. */
export interface WrittenRows {
  batches: BatchRow[];
  events: EventRow[];
}

/**
 * A leg as the route hands it to the service (its `toRequest`): every field named, in one
 * order, so every leg has one object shape. Spread objects of mixed shapes cost the service
 * about a quarter more CPU than what the route gives it.
 */
function asRouteRequest(l: ReturnType<typeof leg>) {
  return {
    transferId: l.transferId,
    fromCoopId: l.fromCoopId,
    toCoopId: l.toCoopId,
    amount: { amount: l.amount.amount, currency: l.amount.currency },
    pending: false,
    timeoutSeconds: undefined,
    reference: undefined,
    memo: undefined,
    settlementModel: undefined,
  };
}

/**
 * `groups` atomic groups submitted straight to the transfer service (the handler behind
 * POST /transfer-groups, without HTTP), by `callers` concurrent callers each awaiting its own.
 */
export async function kopfedGroups(
  groups: number,
  callers: number,
  tag: string,
): Promise<{ timing: Timed; rows: WrittenRows }> {
  const s = await service();
  try {
    const head = await s.store.headPosition();
    let next = 0;
    const timing = await timed(groups * GROUP_SIZE, async () => {
      await Promise.all(
        Array.from({ length: callers }, async () => {
          for (let g = next++; g < groups; g = next++) {
            const groupId = `${tag}-${g}`;
            const { created } = await s.settlement.transfers.submitGroup(
              groupId,
              Array.from({ length: GROUP_SIZE }, (_, i) =>
                asRouteRequest(leg(`${groupId}-${i}`, g * 31 + i)),
              ),
              {},
            );
            if (!created) throw new Error(`group ${groupId} was not created`);
          }
        }),
      );
    });
    const db = s.store.database;
    const events = db
      .prepare('SELECT * FROM events WHERE position > ? ORDER BY position')
      .all(head) as EventRow[];
    const batches = db
      .prepare('SELECT * FROM batches WHERE last_position > ? ORDER BY batch')
      .all(head) as BatchRow[];
    return { timing, rows: { events, batches } };
  } finally {
    await s.close();
  }
}

/**
 * The same rows into the same tables (kopfed's own schema) with the same pragmas (WAL,
 * synchronous FULL), one immediate transaction per batch kopfed committed: the events of one
 * append call and its seal. One writer: better-sqlite3 is synchronous.
 */
export async function rawInsert(
  rows: WrittenRows,
  transfers: number,
): Promise<{ timing: Timed; events: number; batches: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-peers-raw-'));
  const file = join(dir, 'raw.db');
  try {
    await new SqliteEventStore({ file }).close();
    const db = new Database(file);
    applyPragmas(db, 5_000);
    const insertEvent = db.prepare(
      `INSERT INTO events (position, id, stream, revision, category, type, recorded_at, business_date, batch, body)
         VALUES (@position, @id, @stream, @revision, @category, @type, @recorded_at, @business_date, @batch, @body)`,
    );
    const insertBatch = db.prepare(
      'INSERT INTO batches (batch, first_position, last_position, seal) VALUES (@batch, @first_position, @last_position, @seal)',
    );
    const byBatch = new Map<number, EventRow[]>();
    for (const e of rows.events) {
      const events = byBatch.get(e.batch);
      if (events) events.push(e);
      else byBatch.set(e.batch, [e]);
    }
    const write = db.transaction((batch: BatchRow) => {
      for (const e of byBatch.get(batch.batch) ?? []) insertEvent.run(e);
      insertBatch.run(batch);
    });
    const timing = syncTimed(transfers, () => {
      for (const batch of rows.batches) write.immediate(batch);
    });
    const events = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
    const batches = db.prepare('SELECT count(*) FROM batches').pluck().get() as number;
    db.close();
    return { timing, events, batches };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * kopfed's event store by itself, without the settlement service: the events kopfed wrote,
 * appended again to a fresh store file, one append call per batch kopfed committed (so one
 * transaction and one fsync each), by one caller awaiting each. What is left between this and
 * the raw insert is the store's own work (serialising, sealing, the revision check); what is
 * left between this and `kopfedGroups` with one caller is the service's.
 */
export async function storeAlone(
  rows: WrittenRows,
  transfers: number,
): Promise<{ timing: Timed; events: number; batches: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-peers-store-'));
  const store = new SqliteEventStore({ file: join(dir, 'store.db') });
  try {
    const appends = appendsOf(rows);
    const timing = await timed(transfers, async () => {
      for (const { stream, events } of appends)
        await store.append(stream, events, { expectedRevision: 'no_stream' });
    });
    const count = (sql: string) => store.database.prepare(sql).pluck().get() as number;
    return {
      timing,
      events: count('SELECT count(*) FROM events'),
      batches: count('SELECT count(*) FROM batches'),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The append calls behind the rows: each batch's events, read back from their bodies. */
function appendsOf(rows: WrittenRows): { stream: string; events: NewEvent[] }[] {
  const byBatch = new Map<number, { stream: string; events: NewEvent[] }>();
  for (const row of rows.events) {
    const e = JSON.parse(row.body) as NewEvent & { stream: string; revision: number };
    if (e.revision !== 0 && !byBatch.has(row.batch))
      throw new Error(`batch ${row.batch} does not start its stream ${row.stream}`);
    const append = byBatch.get(row.batch) ?? { stream: e.stream, events: [] };
    append.events.push({
      id: e.id,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: e.metadata,
      recordedAt: e.recordedAt,
      businessDate: e.businessDate,
    });
    byBatch.set(row.batch, append);
  }
  return [...byBatch.values()];
}
