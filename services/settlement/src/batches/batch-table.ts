import type Database from 'better-sqlite3';
import type { BatchLifecycle } from './batch.decider';
import type { ClosedStatus } from './batch-events';

/**
 * Closed batches by status, for listing: a row per batch, rewritten as its lifecycle moves.
 * Open batches live in the clearing state. Rebuilt from the batch events on restore.
 */
export class BatchTable {
  private readonly upsert;
  private readonly byStatus;
  private readonly all;
  private readonly one;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS settlement_batches (
      batch_id TEXT PRIMARY KEY,
      parent_coop_id TEXT NOT NULL,
      status TEXT NOT NULL,
      body TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS settlement_batches_by_status ON settlement_batches(status, batch_id);`);
    this.upsert = db.prepare<[string, string, string, string]>(
      `INSERT INTO settlement_batches (batch_id, parent_coop_id, status, body) VALUES (?, ?, ?, ?)
       ON CONFLICT (batch_id) DO UPDATE SET status = excluded.status, body = excluded.body`,
    );
    this.byStatus = db.prepare<[string, string, number], { body: string }>(
      'SELECT body FROM settlement_batches WHERE status = ? AND batch_id > ? ORDER BY batch_id LIMIT ?',
    );
    this.all = db.prepare<[string, number], { body: string }>(
      'SELECT body FROM settlement_batches WHERE batch_id > ? ORDER BY batch_id LIMIT ?',
    );
    this.one = db.prepare<[string], { body: string }>(
      'SELECT body FROM settlement_batches WHERE batch_id = ?',
    );
  }

  save(lifecycle: BatchLifecycle): void {
    const { batch } = lifecycle;
    this.upsert.run(batch.batchId, batch.parentCoopId, lifecycle.status, JSON.stringify(lifecycle));
  }

  get(batchId: string): BatchLifecycle | undefined {
    const row = this.one.get(batchId);
    return row ? (JSON.parse(row.body) as BatchLifecycle) : undefined;
  }

  /** After `cursor` (a batch id) in batch id order, up to `limit`. */
  list(status: ClosedStatus | undefined, cursor: string, limit: number): BatchLifecycle[] {
    const rows =
      status === undefined ? this.all.all(cursor, limit) : this.byStatus.all(status, cursor, limit);
    return rows.map((row) => JSON.parse(row.body) as BatchLifecycle);
  }
}
