import type Database from 'better-sqlite3';
import { ratOverdue } from '../coops/coop.decider';
import { coopsAsOf, subtreeOf } from '../coops/coop-projection';
import { stmt } from '../sql';

type Count = { key: string; count: number };

/** The counts' bucket of one person: numbers only, never the person. */
export interface Bucket {
  province: string;
  gender: string;
  birthYear: number;
}
/** Opens one person's sealed data into its bucket (all unknown once the person is erased). */
export type OpenBucket = (personId: string, sealed: string) => Bucket;

export const UNKNOWN_BUCKET: Bucket = { province: 'unknown', gender: 'unknown', birthYear: 0 };

/** Age bands of the ministry's dashboard, by age reached in the year of `asOf`. */
const AGE_BANDS: ReadonlyArray<readonly [string, number, number]> = [
  ['<25', 0, 24],
  ['25-34', 25, 34],
  ['35-44', 35, 44],
  ['45-54', 45, 54],
  ['55-64', 55, 64],
  ['65+', 65, 200],
];

/** A coop's members count while it is in the federation: not once it has exited (nor before approval). */
const COUNTING_STATUSES: ReadonlySet<string> = new Set(['active', 'suspended']);

/**
 * The command center's counts for a coop and everything below it (or the whole federation),
 * as they stood on the business date `asOf`: coops registered by then, by kind, status and
 * province; members who had joined and not yet left, by coop, province, gender and age band,
 * of the coops active or suspended that day (a coop that has exited has left the federation,
 * and its members with it); RAT compliance with the RATs held by then. Every member count is
 * taken over the same coops, so the totals, the breakdowns and a parent's consolidation of
 * its children agree. Personal attributes come from the counts table, corrected by the few
 * persons whose membership differs on `asOf`: numbers, never people.
 */
export function statistics(
  db: Database.Database,
  scopeCoopId: string | null,
  asOf: string,
  openBucket: OpenBucket,
) {
  const scope = scopeCoopId ? new Set(subtreeOf(db, scopeCoopId)) : null;
  const coops = coopsAsOf(db, asOf).filter((c) => !scope || scope.has(c.coop_id));
  const counting = new Set(
    coops.filter((c) => COUNTING_STATUSES.has(c.status)).map((c) => c.coop_id),
  );
  const memberRows = stmt<[string, string], { coop_id: string; kind: string; n: number }>(
    db,
    `SELECT coop_id, kind, count(*) AS n FROM members
      WHERE joined_on <= ? AND (left_on IS NULL OR left_on > ?) GROUP BY coop_id, kind`,
  )
    .all(asOf, asOf)
    .filter((r) => counting.has(r.coop_id));
  const persons = memberRows.filter((r) => r.kind === 'person').reduce((n, r) => n + r.n, 0);
  const coopMembers = memberRows.filter((r) => r.kind === 'coop').reduce((n, r) => n + r.n, 0);
  const buckets = personBuckets(db, counting, asOf, persons, openBucket);
  const year = Number(asOf.slice(0, 4));
  const active = coops.filter((c) => c.status === 'active');
  const overdue = active.filter((c) =>
    ratOverdue(JSON.parse(c.rat_years) as number[], asOf),
  ).length;
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
      byAgeBand: tally(buckets.map((b) => [ageBand(b.birthYear, year), b.count])),
    },
    rat: { activeCoops: active.length, compliant: active.length - overdue, overdue },
  };
}

interface PersonRow {
  coop_id: string;
  person_id: string | null;
  sealed: string | null;
  erased: 0 | 1;
  status: 'active' | 'left';
}

/**
 * The persons who were members on `asOf`, by bucket. The counts table holds today's members;
 * those whose membership differs on `asOf` (joined after it, or left since) are opened and
 * moved. When they outnumber that day's members, that day's members are opened instead: the
 * same counts, fewer persons opened.
 */
function personBuckets(
  db: Database.Database,
  counting: ReadonlySet<string>,
  asOf: string,
  personsThen: number,
  openBucket: OpenBucket,
): Array<Bucket & { count: number }> {
  const counts = new Map<string, Bucket & { count: number }>();
  const add = (bucket: Bucket, n: number) => {
    const key = `${bucket.province}|${bucket.gender}|${bucket.birthYear}`;
    const entry = counts.get(key) ?? { ...bucket, count: 0 };
    counts.set(key, { ...entry, count: entry.count + n });
  };
  const open = (row: PersonRow): Bucket | undefined => {
    if (row.erased) return UNKNOWN_BUCKET;
    return row.person_id && row.sealed ? openBucket(row.person_id, row.sealed) : undefined;
  };
  const differing = stmt<[string, string, string], PersonRow>(
    db,
    `SELECT coop_id, person_id, sealed, erased, status FROM members
      WHERE kind = 'person' AND ((status = 'active' AND joined_on > ?)
         OR (status = 'left' AND joined_on <= ? AND left_on > ?))`,
  )
    .all(asOf, asOf, asOf)
    .filter((r) => counting.has(r.coop_id));
  if (differing.length <= personsThen) {
    for (const b of stmt<
      [],
      { coop_id: string; province: string; gender: string; birth_year: number; count: number }
    >(db, 'SELECT coop_id, province, gender, birth_year, count FROM member_counts WHERE count > 0')
      .all()
      .filter((r) => counting.has(r.coop_id)))
      add({ province: b.province, gender: b.gender, birthYear: b.birth_year }, b.count);
    for (const row of differing) {
      const bucket = open(row);
      if (bucket) add(bucket, row.status === 'active' ? -1 : 1);
    }
  } else {
    for (const row of stmt<[string, string], PersonRow>(
      db,
      `SELECT coop_id, person_id, sealed, erased, status FROM members
        WHERE kind = 'person' AND joined_on <= ? AND (left_on IS NULL OR left_on > ?)`,
    )
      .all(asOf, asOf)
      .filter((r) => counting.has(r.coop_id))) {
      const bucket = open(row);
      if (bucket) add(bucket, 1);
    }
  }
  return [...counts.values()].filter((b) => b.count > 0);
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
 * A page of the public coop directory, in coop id order, as it stood on `asOf`: each coop's
 * legal identity and RAT standing. Coops are legal entities; nothing about their members is
 * listed.
 */
export function publicCoopDirectory(
  db: Database.Database,
  asOf: string,
  limit: number,
  after: string | undefined,
) {
  const rows = coopsAsOf(db, asOf, { after: after ?? '', limit: limit + 1 });
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
