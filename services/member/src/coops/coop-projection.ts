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

/**
 * Coops and the federation tree, for reads, statistics and the closed-loop checks; and the
 * dated history of each coop's status and RATs, so counts can be taken as of a past date.
 */
export const coopProjection: SqliteProjectionDefinition = {
  // v2: the status and RAT history (a rebuild fills it from the log).
  name: 'member-coops-v2',
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
    CREATE INDEX IF NOT EXISTS coops_by_parent ON coops(parent_id);
    CREATE TABLE IF NOT EXISTS coop_status_changes (
      coop_id TEXT NOT NULL,
      revision INTEGER NOT NULL,
      effective_on TEXT NOT NULL,
      status TEXT NOT NULL,
      PRIMARY KEY (coop_id, revision)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS coop_rats (
      coop_id TEXT NOT NULL,
      financial_year INTEGER NOT NULL,
      held_on TEXT NOT NULL,
      PRIMARY KEY (coop_id, financial_year)
    ) WITHOUT ROWID;`);
  },
  reset(db) {
    db.exec(
      'DROP TABLE IF EXISTS coops; DROP TABLE IF EXISTS coop_status_changes; DROP TABLE IF EXISTS coop_rats;',
    );
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
        stmt(db, 'INSERT OR REPLACE INTO coop_status_changes VALUES (?, ?, ?, ?)').run(
          coopId,
          event.revision,
          e.data.effectiveOn,
          e.data.to,
        );
        return;
      case 'CoopRatHeld': {
        stmt(db, 'INSERT OR REPLACE INTO coop_rats VALUES (?, ?, ?)').run(
          coopId,
          e.data.financialYear,
          e.data.heldOn,
        );
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

/**
 * The coops registered on or before `asOf`, in coop id order, each with its status and RAT
 * years as they stood that day: the latest status change effective by then (applied before
 * any), and the RATs held by then. A page starts after the coop id `after`.
 */
export function coopsAsOf(
  db: Database.Database,
  asOf: string,
  page: { after: string; limit: number } = { after: '', limit: -1 },
): CoopRow[] {
  const rows = stmt<[string, string, string, number], CoopRow & { status_then: string | null }>(
    db,
    `SELECT c.*, (SELECT s.status FROM coop_status_changes s
                   WHERE s.coop_id = c.coop_id AND s.effective_on <= ?
                   ORDER BY s.effective_on DESC, s.revision DESC LIMIT 1) AS status_then
       FROM coops c WHERE c.registered_on <= ? AND c.coop_id > ? ORDER BY c.coop_id LIMIT ?`,
  ).all(asOf, asOf, page.after, page.limit);
  const rats = new Map<string, number[]>();
  for (const r of stmt<[string, string], { coop_id: string; financial_year: number }>(
    db,
    `SELECT coop_id, financial_year FROM coop_rats
      WHERE held_on <= ? AND coop_id IN (SELECT value FROM json_each(?)) ORDER BY financial_year`,
  ).all(asOf, JSON.stringify(rows.map((row) => row.coop_id))))
    rats.set(r.coop_id, [...(rats.get(r.coop_id) ?? []), r.financial_year]);
  return rows.map(({ status_then, ...row }) => ({
    ...row,
    status: (status_then as CoopRow['status'] | null) ?? 'applied',
    rat_years: JSON.stringify(rats.get(row.coop_id) ?? []),
  }));
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

/**
 * A coop still in the federation (not exited), other than `exceptCoopId`, registered under
 * this legal-entity number (compared trimmed, spaces collapsed, upper case).
 */
export function coopWithLegalEntity(
  db: Database.Database,
  normalNumber: string,
  exceptCoopId: string,
): string | undefined {
  return stmt<[string], Pick<CoopRow, 'coop_id' | 'legal_entity_number'>>(
    db,
    `SELECT coop_id, legal_entity_number FROM coops
      WHERE status != 'exited' AND upper(trim(legal_entity_number)) = upper(trim(?))`,
  )
    .all(normalNumber)
    .find((row) => row.coop_id !== exceptCoopId)?.coop_id;
}
