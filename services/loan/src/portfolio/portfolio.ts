import type Database from 'better-sqlite3';
import { divideHalfUp } from '@kopfed/money';
import { KOLEKTIBILITAS, NON_PERFORMING, type Kolektibilitas } from '../policies/kolektibilitas';

/**
 * The portfolio of a coop, or of a coop and every coop below it in the federation tree
 * (consolidated), from the loan book as the last close of business left it: outstanding
 * principal by kolektibilitas, the NPL ratio ((KL + D + M) ÷ total outstanding), the
 * provisions required, and arrears ageing by days past due on the as-of date.
 */
export const AGEING_BUCKETS = [
  { bucket: 'current', from: 0, to: 0 },
  { bucket: '1-30', from: 1, to: 30 },
  { bucket: '31-60', from: 31, to: 60 },
  { bucket: '61-90', from: 61, to: 90 },
  { bucket: '91-120', from: 91, to: 120 },
  { bucket: '121-180', from: 121, to: 180 },
  { bucket: 'over-180', from: 181, to: null },
] as const;

/**
 * A healthy portfolio keeps its NPL ratio at or under 5% (BRIEF §5), judged exactly: 5.004% is
 * shown as 5.00 and is not healthy.
 */
const HEALTHY_NPL_HUNDREDTHS = 500n;

export interface Portfolio {
  coopIds: string[];
  loans: number;
  outstandingPrincipal: bigint;
  overdueAmount: bigint;
  provision: bigint;
  collateralHeld: bigint;
  byKolektibilitas: {
    kolektibilitas: Kolektibilitas;
    loans: number;
    outstandingPrincipal: bigint;
    provision: bigint;
  }[];
  nplOutstanding: bigint;
  nplRatioPercent: string | null;
  healthy: boolean;
  ageing: { bucket: string; loans: number; outstandingPrincipal: bigint; overdueAmount: bigint }[];
  byCoop: {
    coopId: string;
    loans: number;
    outstandingPrincipal: bigint;
    nplOutstanding: bigint;
    provision: bigint;
  }[];
  interCoopOutstanding: bigint;
  writtenOff: { loans: number; claim: bigint; recovered: bigint };
}

/** What the whole federation's loans add up to: the transparency page's figures. */
export type FederationPortfolio = Pick<
  Portfolio,
  | 'loans'
  | 'outstandingPrincipal'
  | 'byKolektibilitas'
  | 'nplOutstanding'
  | 'nplRatioPercent'
  | 'healthy'
>;

type ClassRow = {
  kolektibilitas: Kolektibilitas;
  loans: bigint;
  outstanding: bigint;
  provision: bigint;
  overdue: bigint;
  held: bigint;
};

/**
 * A sum of money columns that cannot overflow SQLite's 64-bit integers: every amount fits 18
 * digits, but a book of many loans may not. Each amount is split at 10^9 and the two parts are
 * summed apart (each part sum fits for up to 9 × 10^9 rows), then joined as a bigint.
 */
const WIDE_SPLIT = 1_000_000_000n;
const wideSum = (expression: string, alias: string) =>
  `sum((${expression}) / ${WIDE_SPLIT}) AS ${alias}_hi, sum((${expression}) % ${WIDE_SPLIT}) AS ${alias}_lo`;
const CLASS_SUMS = [
  wideSum('outstanding_principal', 'outstanding'),
  wideSum('provision', 'provision'),
  wideSum('overdue_amount', 'overdue'),
  wideSum('collateral_held', 'held'),
].join(', ');

type RawRow = Record<string, bigint | string | null>;
type ScopeParams = { coop: string; consolidated: number; asOf: string; reached: string | null };

/** Joins each `x_hi`, `x_lo` pair of a row into `x` (a sum over no rows is 0). */
function joinWide<Row>(raw: RawRow): Row {
  const row: Record<string, bigint | string | null> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.endsWith('_lo')) continue;
    if (!key.endsWith('_hi')) {
      row[key] = value;
      continue;
    }
    const name = key.slice(0, -3);
    const high = (value as bigint | null) ?? 0n;
    const low = (raw[`${name}_lo`] as bigint | null) ?? 0n;
    row[name] = high * WIDE_SPLIT + low;
  }
  return row as Row;
}

export class PortfolioQueries {
  private readonly statements;
  private readonly federationByClass;

  constructor(db: Database.Database) {
    // The subtree, less the coops the caller does not reach (@reached: a JSON array, or null
    // when it reaches them all): what is not shown by coop is not counted in the totals either.
    const scope = `WITH RECURSIVE subtree(coop_id, depth) AS (
        SELECT @coop, 0
        UNION SELECT c.coop_id, t.depth + 1 FROM loan_party_coops c JOIN subtree t ON c.parent_coop_id = t.coop_id
        WHERE @consolidated = 1 AND t.depth < 16),
      tree(coop_id) AS (SELECT coop_id FROM subtree
        WHERE @reached IS NULL OR coop_id IN (SELECT value FROM json_each(@reached)))`;
    const active = `FROM loan_book WHERE status = 'active' AND coop_id IN (SELECT coop_id FROM tree)`;
    const prepare = <Row>(sql: string) => {
      const statement = db.prepare<[ScopeParams], RawRow>(sql).safeIntegers(true);
      return {
        all: (p: ScopeParams) => statement.all(p).map((r) => joinWide<Row>(r)),
        get: (p: ScopeParams) => {
          const row = statement.get(p);
          return row === undefined ? undefined : joinWide<Row>(row);
        },
      };
    };
    const federationByClass = db
      .prepare<[], RawRow>(
        `SELECT kolektibilitas, count(*) AS loans, ${CLASS_SUMS}
         FROM loan_book WHERE status = 'active' GROUP BY kolektibilitas`,
      )
      .safeIntegers(true);
    this.federationByClass = () => federationByClass.all().map((r) => joinWide<ClassRow>(r));
    this.statements = {
      coops: prepare<{ coop_id: string }>(`${scope} SELECT coop_id FROM tree ORDER BY coop_id`),
      byClass: prepare<ClassRow>(
        `${scope} SELECT kolektibilitas, count(*) AS loans, ${CLASS_SUMS}
         ${active} GROUP BY kolektibilitas`,
      ),
      ageing: prepare<{ days: bigint | null; loans: bigint; outstanding: bigint; overdue: bigint }>(
        `${scope} SELECT CAST(julianday(@asOf) - julianday(oldest_overdue_due) AS INTEGER) AS days,
           count(*) AS loans, ${wideSum('outstanding_principal', 'outstanding')},
           ${wideSum('overdue_amount', 'overdue')}
         ${active} GROUP BY days`,
      ),
      byCoop: prepare<{
        coop_id: string;
        loans: bigint;
        outstanding: bigint;
        npl: bigint;
        provision: bigint;
      }>(
        `${scope} SELECT coop_id, count(*) AS loans, ${wideSum('outstanding_principal', 'outstanding')},
           ${wideSum("CASE WHEN kolektibilitas IN ('KL', 'D', 'M') THEN outstanding_principal ELSE 0 END", 'npl')},
           ${wideSum('provision', 'provision')}
         ${active} GROUP BY coop_id ORDER BY coop_id`,
      ),
      interCoop: prepare<{ outstanding: bigint | null }>(
        `${scope} SELECT ${wideSum('outstanding_principal', 'outstanding')}
         ${active} AND borrower_coop_id IN (SELECT coop_id FROM tree)`,
      ),
      writtenOff: prepare<{ loans: bigint; claim: bigint | null; recovered: bigint | null }>(
        `${scope} SELECT count(*) AS loans, ${wideSum('written_off_claim', 'claim')},
           ${wideSum('recovered', 'recovered')}
         FROM loan_book WHERE status = 'written_off' AND coop_id IN (SELECT coop_id FROM tree)`,
      ),
    };
  }

  /** Every coop's active loans together, by class: the transparency page's figures. */
  federation(): FederationPortfolio {
    const classes = new Map(this.federationByClass().map((r) => [r.kolektibilitas, r]));
    return classSummary(classes);
  }

  /**
   * The portfolio of the coop, or of its subtree, counting only the coops `reaches` allows
   * (every one when absent): the totals are always the sum of what is shown by coop.
   */
  portfolio(
    coopId: string,
    consolidated: boolean,
    asOf: string,
    reaches: (coopId: string) => boolean = () => true,
  ): Portfolio {
    const s = this.statements;
    const all = { coop: coopId, consolidated: consolidated ? 1 : 0, asOf, reached: null };
    const subtree = s.coops.all(all).map((r) => r.coop_id);
    const reached = subtree.filter(reaches);
    const p = {
      ...all,
      reached: reached.length === subtree.length ? null : JSON.stringify(reached),
    };
    const classes = new Map(s.byClass.all(p).map((r) => [r.kolektibilitas, r]));
    const summary = classSummary(classes);
    const sum = (f: (r: ClassRow) => bigint) =>
      [...classes.values()].reduce((a, r) => a + f(r), 0n);
    const written = s.writtenOff.get(p);
    return {
      coopIds: s.coops.all(p).map((r) => r.coop_id),
      ...summary,
      overdueAmount: sum((r) => r.overdue),
      provision: sum((r) => r.provision),
      collateralHeld: sum((r) => r.held),
      ageing: this.ageing(s.ageing.all(p)),
      byCoop: s.byCoop.all(p).map((r) => ({
        coopId: r.coop_id,
        loans: Number(r.loans),
        outstandingPrincipal: r.outstanding,
        nplOutstanding: r.npl,
        provision: r.provision,
      })),
      interCoopOutstanding: s.interCoop.get(p)?.outstanding ?? 0n,
      writtenOff: {
        loans: Number(written?.loans ?? 0n),
        claim: written?.claim ?? 0n,
        recovered: written?.recovered ?? 0n,
      },
    };
  }

  private ageing(
    rows: { days: bigint | null; loans: bigint; outstanding: bigint; overdue: bigint }[],
  ) {
    const buckets = AGEING_BUCKETS.map((b) => ({
      bucket: b.bucket,
      loans: 0,
      outstandingPrincipal: 0n,
      overdueAmount: 0n,
    }));
    for (const row of rows) {
      const days = row.days === null ? 0 : Math.max(0, Number(row.days));
      const index = AGEING_BUCKETS.findIndex(
        (b) => days >= b.from && (b.to === null || days <= b.to),
      );
      const bucket = buckets[index]!;
      bucket.loans += Number(row.loans);
      bucket.outstandingPrincipal += row.outstanding;
      bucket.overdueAmount += row.overdue;
    }
    return buckets;
  }
}

function formatHundredths(hundredths: bigint): string {
  const whole = hundredths / 100n;
  return `${whole}.${(hundredths % 100n).toString().padStart(2, '0')}`;
}

/** Loans, outstanding principal, NPL and its ratio, from the per-class sums. */
function classSummary(classes: ReadonlyMap<Kolektibilitas, ClassRow>): FederationPortfolio {
  const byKolektibilitas = KOLEKTIBILITAS.map((k) => {
    const r = classes.get(k);
    return {
      kolektibilitas: k,
      loans: Number(r?.loans ?? 0n),
      outstandingPrincipal: r?.outstanding ?? 0n,
      provision: r?.provision ?? 0n,
    };
  });
  const outstanding = [...classes.values()].reduce((a, r) => a + r.outstanding, 0n);
  const npl = [...classes.values()]
    .filter((r) => NON_PERFORMING.has(r.kolektibilitas))
    .reduce((a, r) => a + r.outstanding, 0n);
  const nplHundredths = outstanding === 0n ? null : divideHalfUp(npl * 10_000n, outstanding);
  return {
    loans: byKolektibilitas.reduce((a, k) => a + k.loans, 0),
    outstandingPrincipal: outstanding,
    byKolektibilitas,
    nplOutstanding: npl,
    nplRatioPercent: nplHundredths === null ? null : formatHundredths(nplHundredths),
    healthy: outstanding === 0n || npl * 10_000n <= HEALTHY_NPL_HUNDREDTHS * outstanding,
  };
}
