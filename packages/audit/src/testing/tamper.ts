import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { streamCategory } from '@kopfed/eventstore';
import { sealTexts } from '../checkpoints/seal-chain';

/**
 * What someone with write access to a store's file might do to its history, for the tamper
 * tests: each opens the file directly, as an attacker would, bypassing the event store.
 */
interface Row {
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

/** A copy of a data directory (close the stores first, so their WAL is folded in). */
export function copyDataDir(dataDir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'kopfed-tamper-'));
  cpSync(dataDir, copy, { recursive: true });
  return copy;
}

export function withStoreFile<T>(file: string, work: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return db.transaction(() => work(db))();
  } finally {
    db.close();
  }
}

export function eventAt(db: Database.Database, position: number): Row {
  const row = db.prepare<[number], Row>('SELECT * FROM events WHERE position = ?').get(position);
  if (!row) throw new Error(`no event at position ${position}`);
  return row;
}

/** Changes one digit inside the event's data: still valid JSON, still in canonical form. */
export function alterOneByte(db: Database.Database, position: number): void {
  const { body } = eventAt(db, position);
  const from = body.indexOf(',"data":');
  const to = body.indexOf(',"metadata":');
  const data = body.slice(from, to);
  const index = from + Math.max(...[...data].map((c, i) => (/[0-9]/.test(c) ? i : -1)));
  if (index < from) throw new Error(`the data at position ${position} has no digit to change`);
  const digit = String((Number(body[index]) + 1) % 10);
  db.prepare('UPDATE events SET body = ? WHERE position = ?').run(
    body.slice(0, index) + digit + body.slice(index + 1),
    position,
  );
}

export function deleteEvent(db: Database.Database, position: number): void {
  db.prepare('DELETE FROM events WHERE position = ?').run(position);
}

/**
 * Swaps two events' places. `rewrite`: each body is rewritten to claim its new position (a
 * careful attacker); otherwise only the position columns move (a careless one).
 */
export function swapEvents(db: Database.Database, p: number, q: number, rewrite: boolean): void {
  const [a, b] = [eventAt(db, p), eventAt(db, q)];
  db.prepare('DELETE FROM events WHERE position IN (?, ?)').run(p, q);
  const moved = (row: Row, to: number, batch: number): Row => ({
    ...row,
    position: to,
    batch: rewrite ? batch : row.batch,
    body: rewrite ? withPosition(row.body, row.position, to) : row.body,
  });
  insert(db, moved(a, q, b.batch));
  insert(db, moved(b, p, a.batch));
}

/**
 * Inserts a forged event in its own batch at `position`, moving every later event and batch
 * one place on and recomputing every seal after it: the seal chain holds, and only the
 * signed checkpoints can tell.
 */
export function insertForgedEvent(db: Database.Database, position: number, stream: string): void {
  const later = db
    .prepare<[number], Row>('SELECT * FROM events WHERE position >= ? ORDER BY position DESC')
    .all(position);
  const before = eventAt(db, position - 1);
  if (eventAt(db, position).batch === before.batch)
    throw new Error(`position ${position} does not begin a batch`);
  db.prepare('DELETE FROM events WHERE position >= ?').run(position);
  db.prepare('UPDATE batches SET batch = -batch WHERE batch > ?').run(before.batch);
  db.prepare(
    'UPDATE batches SET batch = 1 - batch, first_position = first_position + 1, last_position = last_position + 1 WHERE batch < 0',
  ).run();
  for (const row of later)
    insert(db, {
      ...row,
      position: row.position + 1,
      batch: row.batch + 1,
      body: withPosition(row.body, row.position, row.position + 1),
    });
  const forged = `{"position":${position},"id":"00000000-0000-4000-8000-00000000f04d","stream":${JSON.stringify(stream)},"revision":0,"type":"SavingsDeposited","schemaVersion":1,"data":{"amount":"999999999"},"metadata":{},"recordedAt":${JSON.stringify(before.recorded_at)},"businessDate":${JSON.stringify(before.business_date)}}`;
  insert(db, {
    position,
    id: '00000000-0000-4000-8000-00000000f04d',
    stream,
    revision: 0,
    category: streamCategory(stream),
    type: 'SavingsDeposited',
    recorded_at: before.recorded_at,
    business_date: before.business_date,
    batch: before.batch + 1,
    body: forged,
  });
  db.prepare(
    'INSERT INTO batches (batch, first_position, last_position, seal) VALUES (?, ?, ?, ?)',
  ).run(before.batch + 1, position, position, '');
  resealFrom(db, before.batch + 1);
}

/** Deletes the newest batch and its events: a clean cut at the end of the log. */
export function dropLastBatch(db: Database.Database): number {
  const { batch } = db
    .prepare<[], { batch: number }>('SELECT max(batch) AS batch FROM batches')
    .get()!;
  const { first } = db
    .prepare<[number], { first: number }>(
      'SELECT first_position AS first FROM batches WHERE batch = ?',
    )
    .get(batch)!;
  db.prepare('DELETE FROM events WHERE batch = ?').run(batch);
  db.prepare('DELETE FROM batches WHERE batch = ?').run(batch);
  return first;
}

/** Recomputes every seal from batch `from` on, as an attacker who knows the algorithm would. */
export function resealFrom(db: Database.Database, from: number): void {
  const batches = db
    .prepare<[number], { batch: number; first_position: number; last_position: number }>(
      'SELECT * FROM batches WHERE batch >= ? ORDER BY batch',
    )
    .all(from);
  let previous =
    db.prepare<[number], { seal: string }>('SELECT seal FROM batches WHERE batch = ?').get(from - 1)
      ?.seal ?? '0'.repeat(64);
  const bodies = db
    .prepare<[number, number], string>(
      'SELECT body FROM events WHERE position BETWEEN ? AND ? ORDER BY position',
    )
    .pluck(true);
  for (const b of batches) {
    previous = sealTexts(previous, bodies.all(b.first_position, b.last_position));
    db.prepare('UPDATE batches SET seal = ? WHERE batch = ?').run(previous, b.batch);
  }
}

function withPosition(body: string, from: number, to: number): string {
  const prefix = `{"position":${from},`;
  if (!body.startsWith(prefix))
    throw new Error(`body of position ${from} does not start as expected`);
  return `{"position":${to},${body.slice(prefix.length)}`;
}

function insert(db: Database.Database, row: Row): void {
  db.prepare(
    'INSERT INTO events (position, id, stream, revision, category, type, recorded_at, business_date, batch, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    row.position,
    row.id,
    row.stream,
    row.revision,
    row.category,
    row.type,
    row.recorded_at,
    row.business_date,
    row.batch,
    row.body,
  );
}
