import { Decimal } from '@kopfed/money';
import { rejected } from '@kopfed/domain';
import { contractRateExceeds, type ContractTerms } from '../schedule/effective-rate';

/**
 * The cap on a loan's *effective* annual rate (Permenkop 8/2023 Ps. 27: 24% a year; a 24% flat
 * loan breaks it), as a versioned table like every rule that may change.
 */
export interface RateCapPolicy {
  version: string;
  effectiveFrom: string;
  maxEffectiveAnnualRatePercent: string;
}

export const RATE_CAP_POLICIES: readonly RateCapPolicy[] = [
  { version: 'permenkop-8-2023', effectiveFrom: '1970-01-01', maxEffectiveAnnualRatePercent: '24' },
];

/**
 * The cap in force on a business date: the latest that had started. A date before every
 * version is the caller's input (a product version, an application, a restructuring), refused
 * naming `pointer`.
 */
export function rateCapOn(
  businessDate: string,
  policies: readonly RateCapPolicy[] = RATE_CAP_POLICIES,
  pointer = '/businessDate',
): RateCapPolicy {
  let found: RateCapPolicy | undefined;
  for (const policy of policies) {
    if (
      policy.effectiveFrom <= businessDate &&
      (!found || policy.effectiveFrom > found.effectiveFrom)
    )
      found = policy;
  }
  if (!found)
    throw rejected(
      'rate_cap_not_in_force',
      `no rate cap is in force on ${businessDate}; the earliest takes effect on ${earliest(policies)}`,
      pointer,
    );
  return found;
}

function earliest(policies: readonly RateCapPolicy[]): string {
  return policies.reduce((e, p) => (p.effectiveFrom < e ? p.effectiveFrom : e), '9999-12-31');
}

/**
 * Whether a loan on these terms breaks the cap, judged on its exact effective rate: the rate
 * shown (rounded to hundredths) is for reading, never for this decision.
 */
export function loanExceedsCap(terms: ContractTerms, cap: RateCapPolicy): boolean {
  return contractRateExceeds(terms, cap.maxEffectiveAnnualRatePercent);
}

/** An exactly stated effective rate against the cap; at the cap is not above it. */
export function exceedsCap(effectiveAnnualRatePercent: string, cap: RateCapPolicy): boolean {
  return (
    Decimal.parse(effectiveAnnualRatePercent).compare(
      Decimal.parse(cap.maxEffectiveAnnualRatePercent),
    ) > 0
  );
}
