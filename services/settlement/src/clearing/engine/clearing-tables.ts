import type Database from 'better-sqlite3';
import { decodeClearing, encodeClearing, type ClearingSnapshot } from '../snapshot';
import type { ClearingState } from '../clearing-state';

/**
 * The clearing engine's SQLite tables in the service's read-model database: its latest
 * snapshot, and the ids of transfers created as legs of a group (a single transfer's id is
 * its own stream, so the store itself keeps it unique). Both are written in one transaction,
 * so a snapshot never runs ahead of the legs it has seen.
 */
export class ClearingTables {
  private readonly readSnapshot;
  private readonly writeSnapshot;
  private readonly insertLeg;
  private readonly findLeg;
  private readonly findLegs;

  constructor(readonly database: Database.Database) {
    const db = database;
    db.exec(`CREATE TABLE IF NOT EXISTS settlement_clearing_snapshot (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      position INTEGER NOT NULL,
      state TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS settlement_group_legs (
      transfer_id TEXT PRIMARY KEY,
      group_id TEXT NOT NULL
    ) WITHOUT ROWID;`);
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
    this.findLegs = db.prepare<[string], { transfer_id: string; group_id: string }>(
      `SELECT transfer_id, group_id FROM settlement_group_legs
       WHERE transfer_id IN (SELECT value FROM json_each(?))`,
    );
  }

  load(): { position: number; state: ClearingState } | undefined {
    const row = this.readSnapshot.get();
    if (!row) return undefined;
    return {
      position: row.position,
      state: decodeClearing(JSON.parse(row.state) as ClearingSnapshot),
    };
  }

  save(position: number, state: ClearingState, legs: ReadonlyMap<string, string>): void {
    const text = JSON.stringify(encodeClearing(state));
    this.database
      .transaction(() => {
        for (const [transferId, groupId] of legs) this.insertLeg.run(transferId, groupId);
        this.writeSnapshot.run(position, text);
      })
      .immediate();
  }

  groupOfLeg(transferId: string): string | undefined {
    return this.findLeg.get(transferId)?.group_id;
  }

  /** The group of each id that was a leg of one, in one query (a group checks all its legs). */
  groupsOfLegs(transferIds: readonly string[]): Map<string, string> {
    const rows = this.findLegs.all(JSON.stringify(transferIds));
    return new Map(rows.map((row) => [row.transfer_id, row.group_id]));
  }

  /** Drops everything, for a rebuild from the log. */
  reset(): void {
    this.database.exec(
      'DELETE FROM settlement_clearing_snapshot; DELETE FROM settlement_group_legs;',
    );
  }
}
