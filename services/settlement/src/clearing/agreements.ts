/**
 * A cooperation agreement (perjanjian kerja sama) as the member service publishes it. Under
 * the closed-loop rule (BRIEF §5) a coop transacts only with its members and, under such a
 * written agreement, with other coops: an inter-coop transfer is between two coops, so it
 * needs one in force between them.
 */
export interface CooperationAgreement {
  agreementId: string;
  coopId: string;
  partnerCoopId: string;
  /** First and last day in force, inclusive (Asia/Jakarta business dates). */
  validFrom: string;
  validUntil: string;
  /** The first day it is no longer in force; null while not terminated. */
  terminatedOn: string | null;
}

/** Between `a` and `b`, whichever of them signed it as `coopId`. */
export const isBetween = (agreement: CooperationAgreement, a: string, b: string): boolean =>
  (agreement.coopId === a && agreement.partnerCoopId === b) ||
  (agreement.coopId === b && agreement.partnerCoopId === a);

/** In force on `businessDate`: started, not past its last day, not terminated by then. */
export const isInForce = (agreement: CooperationAgreement, businessDate: string): boolean =>
  agreement.validFrom <= businessDate &&
  businessDate <= agreement.validUntil &&
  (agreement.terminatedOn === null || businessDate < agreement.terminatedOn);
