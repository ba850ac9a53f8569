import { invariant, rejected } from '@kopfed/domain';
import { allocateLargestRemainder, Decimal } from '@kopfed/money';

/**
 * SHU (Sisa Hasil Usaha, the year's surplus) is split by the bylaws' percentages into seven
 * pools (BRIEF §5); the two member pools — jasa modal (for capital) and jasa usaha (for
 * business) — are split again among the members by their bases.
 */
export const SHU_POOLS = [
  'reserve',
  'memberCapital',
  'memberBusiness',
  'board',
  'staff',
  'education',
  'social',
] as const;
export type ShuPool = (typeof SHU_POOLS)[number];

/** Percent of the surplus per pool, as decimal text ("25", "12.5"). */
export type ShuAllocationPercents = Readonly<Record<ShuPool, string>>;

export interface MemberBasis {
  readonly memberId: string;
  /**
   * Ties in the rupiah left over go to the lower member number (`compareMemberKeys`: digits-only
   * numbers first, by value, then the others as text); the member id when absent.
   */
  readonly memberNumber?: string;
  /** Decimal text ≥ 0: the member's savings counted for jasa modal (e.g. average pokok + wajib). */
  readonly capitalBasis: string;
  /** Decimal text ≥ 0: the member's business counted for jasa usaha (e.g. interest and fees paid). */
  readonly businessBasis: string;
}

export interface ShuInput {
  readonly surplusMinor: bigint;
  readonly allocation: ShuAllocationPercents;
  readonly bases: readonly MemberBasis[];
}

export interface MemberShare {
  readonly memberId: string;
  readonly capitalShareMinor: bigint;
  readonly businessShareMinor: bigint;
  readonly totalMinor: bigint;
}

export interface ShuAllocation {
  readonly surplusMinor: bigint;
  readonly pools: Readonly<Record<ShuPool, bigint>>;
  /** Members in tie-break order (ascending member number). */
  readonly members: readonly MemberShare[];
}

const MAX_PERCENT_PLACES = 6;
const PERCENT = /^\d{1,3}(\.\d{1,6})?$/;
const BASIS = /^\d{1,20}(\.\d{1,6})?$/;
const HUNDRED = Decimal.integer(100).rescale(MAX_PERCENT_PLACES);

/**
 * The split, exact to the rupiah:
 * - each pool = surplus × percent ÷ 100, floored; the rupiah left over go to the reserve;
 * - within a member pool each member gets pool × basis ÷ Σ bases, floored, and the rupiah
 *   left over go one each to the largest fractional remainders (ties: ascending member number,
 *   digits-only numbers first by value, then the others as text; then the member id).
 * Shares add up to their pool and the pools to the surplus, which is asserted.
 * Refuses (422, naming the field) percents not summing to exactly 100, malformed numbers,
 * duplicate members, and a non-empty member pool with no basis to split it by.
 */
export function allocateShu(input: ShuInput): ShuAllocation {
  if (input.surplusMinor < 0n)
    throw rejected('shu-negative-surplus', 'A deficit is not shared out as SHU.', '/surplus');
  const percents = parsePercents(input.allocation);
  const pools = {} as Record<ShuPool, bigint>;
  for (const pool of SHU_POOLS)
    pools[pool] = (input.surplusMinor * percents[pool].units) / HUNDRED.units;
  pools.reserve += input.surplusMinor - SHU_POOLS.reduce((sum, p) => sum + pools[p], 0n);

  const members = orderedBases(input.bases);
  const capital = splitPool(pools.memberCapital, members, 'capitalBasis');
  const business = splitPool(pools.memberBusiness, members, 'businessBasis');
  const shares = members.map((m, i) => ({
    memberId: m.memberId,
    capitalShareMinor: capital[i]!,
    businessShareMinor: business[i]!,
    totalMinor: capital[i]! + business[i]!,
  }));
  assertAddsUp(input.surplusMinor, pools, shares);
  return { surplusMinor: input.surplusMinor, pools, members: shares };
}

function parsePercents(allocation: ShuAllocationPercents): Record<ShuPool, Decimal> {
  const percents = {} as Record<ShuPool, Decimal>;
  let total = Decimal.ZERO.rescale(MAX_PERCENT_PLACES);
  for (const pool of SHU_POOLS) {
    const text = allocation[pool];
    if (typeof text !== 'string' || !PERCENT.test(text))
      throw rejected(
        'shu-percent-malformed',
        `allocation.${pool} must be a percent such as "25" or "12.5" (up to ${MAX_PERCENT_PLACES} places).`,
        `/allocation/${pool}`,
      );
    percents[pool] = Decimal.parse(text).rescale(MAX_PERCENT_PLACES);
    total = total.plus(percents[pool]);
  }
  if (total.compare(HUNDRED) !== 0)
    throw rejected(
      'shu-allocation-not-100',
      `The allocation percents sum to ${total.toString().replace(/\.?0+$/, '')}, not exactly 100.`,
      '/allocation',
      { sum: total.toString() },
    );
  return percents;
}

/**
 * One total order of member numbers, so the rupiah left over go to the same member whatever
 * order the members come in: numbers of digits only first, by their value; then the others,
 * as text; numbers of equal value ("007", "7") by their text.
 */
function compareMemberKeys(a: string, b: string): number {
  const [aDigits, bDigits] = [/^\d+$/.test(a), /^\d+$/.test(b)];
  if (aDigits !== bDigits) return aDigits ? -1 : 1;
  if (aDigits) {
    const [x, y] = [a.replace(/^0+(?=\d)/, ''), b.replace(/^0+(?=\d)/, '')];
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function orderedBases(bases: readonly MemberBasis[]): MemberBasis[] {
  const seen = new Set<string>();
  bases.forEach((b, i) => {
    if (seen.has(b.memberId))
      throw rejected(
        'shu-member-duplicated',
        `Member ${b.memberId} appears twice.`,
        `/bases/${i}/memberId`,
      );
    seen.add(b.memberId);
    for (const field of ['capitalBasis', 'businessBasis'] as const)
      if (!BASIS.test(b[field]))
        throw rejected(
          'shu-basis-malformed',
          `${field} must be a decimal number ≥ 0 with up to 6 places.`,
          `/bases/${i}/${field}`,
        );
  });
  const key = (b: MemberBasis) => b.memberNumber ?? b.memberId;
  return [...bases].sort(
    (a, b) => compareMemberKeys(key(a), key(b)) || compareMemberKeys(a.memberId, b.memberId),
  );
}

function splitPool(
  poolMinor: bigint,
  members: readonly MemberBasis[],
  field: 'capitalBasis' | 'businessBasis',
): bigint[] {
  // Bases as whole units at 6 places: exact weights, the same proportions.
  const weights = members.map((m) => Decimal.parse(m[field]).rescale(6).units);
  if (weights.every((w) => w === 0n)) {
    if (poolMinor === 0n) return weights.map(() => 0n);
    throw rejected(
      'shu-no-basis',
      `The ${field === 'capitalBasis' ? 'memberCapital' : 'memberBusiness'} pool is not empty but no member has a ${field} to share it by.`,
      '/bases',
    );
  }
  return allocateLargestRemainder(poolMinor, weights);
}

function assertAddsUp(
  surplusMinor: bigint,
  pools: Record<ShuPool, bigint>,
  shares: readonly MemberShare[],
): void {
  const poolSum = SHU_POOLS.reduce((sum, p) => sum + pools[p], 0n);
  const capitalSum = shares.reduce((sum, s) => sum + s.capitalShareMinor, 0n);
  const businessSum = shares.reduce((sum, s) => sum + s.businessShareMinor, 0n);
  invariant(poolSum === surplusMinor, 'SHU pools do not add up to the surplus');
  invariant(capitalSum === pools.memberCapital, 'SHU capital shares do not add up to their pool');
  invariant(
    businessSum === pools.memberBusiness,
    'SHU business shares do not add up to their pool',
  );
}
