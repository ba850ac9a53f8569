import type Database from 'better-sqlite3';
import { decodeClearing, encodeClearing, type ClearingSnapshot } from '../snapshot';
import type { ClearingState } from '../clearing-state';

/** Ids noted since the last snapshot: written with it. */
export interface NotedIds {
  /** Group leg → its group. */
  legs: ReadonlyMap<string, string>;
  /** Transfers whose own stream has events. */
  streams: ReadonlySet<string>;
}

/**
 * The clearing engine's SQLite tables in the service's read-model database: its latest
 * snapshot, the ids of transfers created as legs of a group, and the ids of transfers whose
 * own stream has events (a single transfer's id is its stream, so the store keeps it unique;
 * a group checks its legs against this index in one query instead of one store read per leg).
 * All are written in one transaction, so a snapshot never runs ahead of the ids it has seen.
 */
export class ClearingTables {
  private readonly readSnapshot;
  private readonly writeSnapshot;
  private readonly insertLeg;
  private readonly findLeg;
  private readonly insertStream;
  private readonly findTaken;

  constructor(readonly database: Database.Database) {
    const db = database;
    db.transaction(() => createTables(db)).immediate();
    this.readSnapshot = db.prepare<[], { position: number; state: string }>(
      'SELECT position, state FROM settlement_clearing_snapshot WHERE id = 1',
    );
    this.writeSnapshot = db.prepare<[number, string]>(
      `INSERT INTO settlement_clearing_snapshot (id, position, state) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state`,
    );
    this.insertLeg = db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO settlement_group_legs (transfer_id, group_id) VALUES (?, ?)',
    );
    this.findLeg = db.prepare<[string], { group_id: string }>(
      'SELECT group_id FROM settlement_group_legs WHERE transfer_id = ?',
    );
    this.insertStream = db.prepare<[string]>(
      'INSERT OR IGNORE INTO settlement_transfer_streams (transfer_id) VALUES (?)',
    );
    // Each id looked up by primary key, json_each outermost (CROSS JOIN keeps that order):
    // `IN` over the list built it into a temporary index for each table first, twice the cost.
    this.findTaken = db
      .prepare<{ ids: string }, string>(
        `SELECT l.transfer_id FROM json_each(@ids) AS ids
           CROSS JOIN settlement_group_legs AS l ON l.transfer_id = ids.value
         UNION ALL
         SELECT s.transfer_id FROM json_each(@ids) AS ids
           CROSS JOIN settlement_transfer_streams AS s ON s.transfer_id = ids.value`,
      )
      .pluck();
  }

  load(): { position: number; state: ClearingState } | undefined {
    const row = this.readSnapshot.get();
    if (!row) return undefined;
    return {
      position: row.position,
      state: decodeClearing(JSON.parse(row.state) as ClearingSnapshot),
    };
  }

  save(position: number, state: ClearingState, noted: NotedIds): void {
    const text = JSON.stringify(encodeClearing(state));
    this.database
      .transaction(() => {
        for (const [transferId, groupId] of noted.legs) this.insertLeg.run(transferId, groupId);
        for (const transferId of noted.streams) this.insertStream.run(transferId);
        this.writeSnapshot.run(position, text);
      })
      .immediate();
  }

  groupOfLeg(transferId: string): string | undefined {
    return this.findLeg.get(transferId)?.group_id;
  }

  /**
   * The ids among `transferIds` that a group leg or a transfer's own stream took, in one query
   * (a group checks all its legs); an id both took, or asked for twice, may appear twice.
   */
  takenIds(transferIds: readonly string[]): string[] {
    return this.findTaken.all({ ids: JSON.stringify(transferIds) });
  }

  /** Drops everything, for a rebuild from the log. */
  reset(): void {
    this.database.exec(
      `DELETE FROM settlement_clearing_snapshot; DELETE FROM settlement_group_legs;
       DELETE FROM settlement_transfer_streams;`,
    );
  }
}

function createTables(db: Database.Database): void {
  const indexedStreams = db
    .prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settlement_transfer_streams'",
    )
    .get();
  db.exec(`CREATE TABLE IF NOT EXISTS settlement_clearing_snapshot (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      position INTEGER NOT NULL,
      state TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS settlement_group_legs (
      transfer_id TEXT PRIMARY KEY,
      group_id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS settlement_transfer_streams (
      transfer_id TEXT PRIMARY KEY
    ) WITHOUT ROWID;`);
  // A snapshot from before the transfer streams were indexed has not noted the transfers it
  // folded: it is dropped, so the next restore folds the whole log and notes every one.
  if (!indexedStreams) db.exec('DELETE FROM settlement_clearing_snapshot');
}
