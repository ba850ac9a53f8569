import { deterministicUuid } from '@kopfed/eventstore';
import type { Designation } from './designation';

/**
 * A liquidity loan request (LiquidityLoanRequested) as the parent's loan service keeps it: one
 * per (settlement batch, member coop). Its id is the id of its first loan application, so a
 * request redelivered, or answered twice at once, finds that one application.
 */
export interface LiquidityLoanRequest {
  requestId: string;
  batchId: string;
  /** The lender: the parent coop the settlement batch belongs to. */
  parentCoopId: string;
  /** The borrower: the member coop whose net debit exceeded its liquidity cover. */
  coopId: string;
  shortfallMinor: bigint;
  currency: string;
  requestedAt: string;
}

export const liquidityLoanRequestId = (batchId: string, coopId: string) =>
  deterministicUuid('LiquidityLoanRequested', batchId, coopId);

/** Applications one request may have: each after the one before it was rejected. */
export const MAX_APPLICATIONS_PER_REQUEST = 10;

/**
 * The loan id of a request's `application`-th application (0 the first): the first takes the
 * request's id, each after a rejection its own, so any two attempts at the same application find
 * the one loan.
 */
export function liquidityLoanId(requestId: string, application: number): string {
  return application === 0
    ? requestId
    : deterministicUuid('LiquidityLoanApplication', requestId, String(application));
}

/** Why a request has no application yet, in the words a problem detail uses. */
export interface Unanswered {
  reason: string;
  detail: string;
}

/**
 * The reasons a request waits for that designating the product can change: the product itself,
 * or its refusal of the shortfall or term. Not the borrower's standing nor the currency, which a
 * designation leaves as they were.
 */
export const REASONS_A_DESIGNATION_ANSWERS: readonly string[] = [
  'no_liquidity_product',
  'product_not_found',
  'product_not_in_force',
  'principal_out_of_range',
  'term_out_of_range',
  'grace_out_of_range',
  'collateral_required',
  'rate_cap_exceeded',
];

/** How a request is applied for: the designation, or what the treasurer names instead. */
export type ApplicationTerms = Pick<Designation, 'productCode' | 'termMonths'>;

/**
 * What a request is applied for with, or what stops it before the loan decider judges it (the
 * product's range, the rate cap, the borrower's standing and agreement are the decider's).
 * `memberId` is the borrower coop's membership in the parent, as the member service reported it.
 */
export function readyToApply(
  request: Pick<LiquidityLoanRequest, 'parentCoopId' | 'coopId' | 'currency'>,
  terms: ApplicationTerms | null,
  memberId: string | undefined,
): { ready: true; terms: ApplicationTerms; memberId: string } | ({ ready: false } & Unanswered) {
  if (request.currency !== 'IDR')
    return {
      ready: false,
      reason: 'currency_not_lent',
      detail: `kopfed loans are in IDR; the shortfall is in ${request.currency}`,
    };
  if (!terms)
    return {
      ready: false,
      reason: 'no_liquidity_product',
      detail: `coop ${request.parentCoopId} has designated no loan product for liquidity loans`,
    };
  if (memberId === undefined)
    return {
      ready: false,
      reason: 'borrower_not_member',
      detail: `coop ${request.coopId} is not a member of ${request.parentCoopId} as the member service reported it`,
    };
  return { ready: true, terms, memberId };
}
