import type Database from 'better-sqlite3';
import type { SqliteProjectionDefinition } from '@kopfed/messaging';
import { stmt } from '../sql';
import { idOf } from '../stream-ids';
import type { CoopEvent } from './coop.decider';

export interface CoopRow {
  coop_id: string;
  kind: 'primary' | 'secondary' | 'tertiary';
  name: string;
  legal_entity_number: string;
  nik_koperasi: string | null;
  nik_valid_until: string | null;
  province: string;
  parent_id: string | null;
  status: 'applied' | 'active' | 'suspended' | 'exited';
  registered_on: string;
  rat_years: string;
  revision: number;
}

/** Coops and the federation tree, for reads, statistics and the closed-loop checks. */
export const coopProjection: SqliteProjectionDefinition = {
  name: 'member-coops-v1',
  types: ['CoopRegistered', 'CoopStatusChanged', 'CoopRatHeld'],
  setUp(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS coops (
      coop_id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      legal_entity_number TEXT NOT NULL,
      nik_koperasi TEXT,
      nik_valid_until TEXT,
      province TEXT NOT NULL,
      parent_id TEXT,
      status TEXT NOT NULL,
      registered_on TEXT NOT NULL,
      rat_years TEXT NOT NULL,
      revision INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS coops_by_parent ON coops(parent_id);`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS coops');
  },
  apply(db, event) {
    const coopId = idOf(event.stream);
    const e = { type: event.type, data: event.data } as CoopEvent;
    switch (e.type) {
      case 'CoopRegistered':
        stmt(
          db,
          `INSERT OR REPLACE INTO coops VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?, '[]', ?)`,
        ).run(
          coopId,
          e.data.kind,
          e.data.name,
          e.data.legalEntityNumber,
          e.data.nikKoperasi?.number ?? null,
          e.data.nikKoperasi?.validUntil ?? null,
          e.data.address.province,
          e.data.parentCoopId,
          e.data.registeredOn,
          event.revision,
        );
        return;
      case 'CoopStatusChanged':
        stmt(db, 'UPDATE coops SET status = ?, revision = ? WHERE coop_id = ?').run(
          e.data.to,
          event.revision,
          coopId,
        );
        return;
      case 'CoopRatHeld': {
        const row = stmt<[string], { rat_years: string }>(
          db,
          'SELECT rat_years FROM coops WHERE coop_id = ?',
        ).get(coopId);
        const years = [
          ...(JSON.parse(row?.rat_years ?? '[]') as number[]),
          e.data.financialYear,
        ].sort((a, b) => a - b);
        stmt(db, 'UPDATE coops SET rat_years = ?, revision = ? WHERE coop_id = ?').run(
          JSON.stringify(years),
          event.revision,
          coopId,
        );
        return;
      }
    }
  },
};

export function findCoop(db: Database.Database, coopId: string): CoopRow | undefined {
  return stmt<[string], CoopRow>(db, 'SELECT * FROM coops WHERE coop_id = ?').get(coopId);
}

/** A coop and every coop below it, however deep (bounded by the tree's depth). */
export function subtreeOf(db: Database.Database, coopId: string): string[] {
  return stmt<[string], { coop_id: string }>(
    db,
    `WITH RECURSIVE tree(coop_id, depth) AS (
         SELECT coop_id, 0 FROM coops WHERE coop_id = ?
         UNION ALL
         SELECT c.coop_id, t.depth + 1 FROM coops c JOIN tree t ON c.parent_id = t.coop_id WHERE t.depth < 16
       ) SELECT coop_id FROM tree`,
  )
    .all(coopId)
    .map((r) => r.coop_id);
}
