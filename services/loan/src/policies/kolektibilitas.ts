import { invariant, rejected } from '@kopfed/domain';
import { percentOf } from '../shared/rate';

/**
 * Kolektibilitas (loan quality) by days past due, with the loan-loss provision (PPAP) each
 * class requires, as a versioned policy table (BRIEF §5: rules that change are data with an
 * effective date). The class of a loan on a business date follows the table in force then.
 */
export const KOLEKTIBILITAS = ['L', 'DPK', 'KL', 'D', 'M'] as const;
export type Kolektibilitas = (typeof KOLEKTIBILITAS)[number];

/** Kurang Lancar, Diragukan and Macet are non-performing loans (NPL). */
export const NON_PERFORMING: ReadonlySet<Kolektibilitas> = new Set(['KL', 'D', 'M']);

export interface KolektibilitasClass {
  code: Kolektibilitas;
  /** The class holds loans up to this many days past due; null for the last (no upper bound). */
  maxDaysPastDue: number | null;
  /** PPAP as a percent of the outstanding principal less eligible collateral. */
  provisionPercent: string;
}

export interface KolektibilitasPolicy {
  version: string;
  effectiveFrom: string;
  /** In order from best to worst; bounds strictly increase. */
  classes: readonly KolektibilitasClass[];
}

/** BRIEF §5: Lancar 0; DPK 1–90; KL 91–120; D 121–180; M over 180; 0.5 / 3 / 10 / 50 / 100 %. */
export const KOLEKTIBILITAS_POLICIES: readonly KolektibilitasPolicy[] = [
  {
    version: 'brief-2026',
    effectiveFrom: '1970-01-01',
    classes: [
      { code: 'L', maxDaysPastDue: 0, provisionPercent: '0.5' },
      { code: 'DPK', maxDaysPastDue: 90, provisionPercent: '3' },
      { code: 'KL', maxDaysPastDue: 120, provisionPercent: '10' },
      { code: 'D', maxDaysPastDue: 180, provisionPercent: '50' },
      { code: 'M', maxDaysPastDue: null, provisionPercent: '100' },
    ],
  },
];

/**
 * The table in force on a business date: the latest that had started. A date before every
 * table is refused naming `pointer`.
 */
export function policyOn(
  businessDate: string,
  policies: readonly KolektibilitasPolicy[] = KOLEKTIBILITAS_POLICIES,
  pointer = '/businessDate',
): KolektibilitasPolicy {
  let found: KolektibilitasPolicy | undefined;
  for (const policy of policies) {
    if (
      policy.effectiveFrom <= businessDate &&
      (!found || policy.effectiveFrom > found.effectiveFrom)
    )
      found = policy;
  }
  if (!found) {
    const earliest = policies.reduce(
      (e, p) => (p.effectiveFrom < e ? p.effectiveFrom : e),
      '9999-12-31',
    );
    throw rejected(
      'kolektibilitas_policy_not_in_force',
      `no kolektibilitas policy is in force on ${businessDate}; the earliest takes effect on ${earliest}`,
      pointer,
    );
  }
  return found;
}

export function classify(policy: KolektibilitasPolicy, daysPastDue: number): Kolektibilitas {
  for (const c of policy.classes) {
    if (c.maxDaysPastDue === null || daysPastDue <= c.maxDaysPastDue) return c.code;
  }
  invariant(false, `policy ${policy.version} has no class for ${daysPastDue} days past due`);
}

/** The provision a class requires: round(percent × max(0, principal − collateral)), half-up. */
export function provisionFor(
  policy: KolektibilitasPolicy,
  kolektibilitas: Kolektibilitas,
  outstandingPrincipal: bigint,
  eligibleCollateral: bigint,
): bigint {
  const c = policy.classes.find((x) => x.code === kolektibilitas);
  invariant(c, `policy ${policy.version} has no class ${kolektibilitas}`);
  const base = outstandingPrincipal - eligibleCollateral;
  return base > 0n ? percentOf(base, c.provisionPercent) : 0n;
}

/** The worse of two classes. */
export function worseOf(a: Kolektibilitas, b: Kolektibilitas): Kolektibilitas {
  return KOLEKTIBILITAS.indexOf(a) >= KOLEKTIBILITAS.indexOf(b) ? a : b;
}
