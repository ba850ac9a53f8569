import type Database from 'better-sqlite3';
import { ratOverdue } from '../coops/coop.decider';
import { subtreeOf, type CoopRow } from '../coops/coop-projection';
import { stmt } from '../sql';

type Count = { key: string; count: number };

/** Age bands of the ministry's dashboard, by age reached in the year of `asOf`. */
const AGE_BANDS: ReadonlyArray<readonly [string, number, number]> = [
  ['<25', 0, 24],
  ['25-34', 25, 34],
  ['35-44', 35, 44],
  ['45-54', 45, 54],
  ['55-64', 55, 64],
  ['65+', 65, 200],
];

/**
 * The command center's counts for a coop and everything below it (or the whole federation):
 * coops by kind, status and province; members by coop, province, gender and age band; RAT
 * compliance. Personal attributes come only from the counts table: numbers, never people.
 */
export function statistics(db: Database.Database, scopeCoopId: string | null, asOf: string) {
  const coops = scopeCoopId
    ? subtreeOf(db, scopeCoopId).map((id) =>
        stmt<[string], CoopRow>(db, 'SELECT * FROM coops WHERE coop_id = ?').get(id)!,
      )
    : stmt<[], CoopRow>(db, 'SELECT * FROM coops').all();
  const ids = coops.map((c) => c.coop_id);
  const inScope = new Set(ids);
  const memberRows = stmt<[], { coop_id: string; kind: string; n: number }>(
    db,
    "SELECT coop_id, kind, count(*) AS n FROM members WHERE status = 'active' GROUP BY coop_id, kind",
  )
    .all()
    .filter((r) => inScope.has(r.coop_id));
  const buckets = stmt<
    [],
    { coop_id: string; province: string; gender: string; birth_year: number; count: number }
  >(db, 'SELECT coop_id, province, gender, birth_year, count FROM member_counts WHERE count > 0')
    .all()
    .filter((r) => inScope.has(r.coop_id));
  const year = Number(asOf.slice(0, 4));
  const active = coops.filter((c) => c.status === 'active');
  const overdue = active.filter((c) =>
    ratOverdue(JSON.parse(c.rat_years) as number[], asOf),
  ).length;
  const persons = memberRows.filter((r) => r.kind === 'person').reduce((n, r) => n + r.n, 0);
  const coopMembers = memberRows.filter((r) => r.kind === 'coop').reduce((n, r) => n + r.n, 0);
  return {
    scopeCoopId,
    asOf,
    coops: {
      total: coops.length,
      byKind: tally(coops.map((c) => [c.kind, 1])),
      byStatus: tally(coops.map((c) => [c.status, 1])),
      byProvince: tally(coops.map((c) => [c.province, 1])),
    },
    members: {
      total: persons + coopMembers,
      persons,
      coops: coopMembers,
      byCoop: tally(memberRows.map((r) => [r.coop_id, r.n])),
      byProvince: tally(buckets.map((b) => [b.province, b.count])),
      byGender: tally(buckets.map((b) => [b.gender, b.count])),
      byAgeBand: tally(buckets.map((b) => [ageBand(b.birth_year, year), b.count])),
    },
    rat: { activeCoops: active.length, compliant: active.length - overdue, overdue },
  };
}

function ageBand(birthYear: number, year: number): string {
  if (birthYear === 0) return 'unknown';
  const age = year - birthYear;
  return AGE_BANDS.find(([, low, high]) => age >= low && age <= high)?.[0] ?? 'unknown';
}

function tally(pairs: ReadonlyArray<readonly [string, number]>): Count[] {
  const counts = new Map<string, number>();
  for (const [key, n] of pairs) counts.set(key, (counts.get(key) ?? 0) + n);
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * A page of the public coop directory, in coop id order: each coop's legal identity and RAT
 * standing. Coops are legal entities; nothing about their members is listed.
 */
export function publicCoopDirectory(
  db: Database.Database,
  asOf: string,
  limit: number,
  after: string | undefined,
) {
  const rows = stmt<[string, number], CoopRow>(
    db,
    'SELECT * FROM coops WHERE coop_id > ? ORDER BY coop_id LIMIT ?',
  ).all(after ?? '', limit + 1);
  const page = rows.slice(0, limit);
  return {
    asOf,
    coops: page.map((c) => {
      const years = JSON.parse(c.rat_years) as number[];
      return {
        coopId: c.coop_id,
        name: c.name,
        kind: c.kind,
        province: c.province,
        legalEntityNumber: c.legal_entity_number,
        parentId: c.parent_id,
        status: c.status,
        rat: {
          lastYear: years.length > 0 ? Math.max(...years) : null,
          overdue: c.status === 'active' && ratOverdue(years, asOf),
        },
      };
    }),
    nextCursor: rows.length > limit ? page[page.length - 1]!.coop_id : null,
  };
}
