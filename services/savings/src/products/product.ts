import type { InterestBasis, MinimumChange, RateChange } from '../interest/accrual';
import type { IsoDate } from '../shared/dates';

/**
 * A savings product of one coop. Its identity (kind, classification, interest basis and
 * posting, term) never changes; its terms (rate, minimums, amounts, penalty) are versions with
 * effective dates (BRIEF §5: rules that change are data).
 *
 *   POKOK      simpanan pokok: the one-off membership share, may be paid in instalments;
 *              equity; not withdrawable while a member
 *   WAJIB      simpanan wajib: compulsory monthly savings; equity; not withdrawable while a
 *              member; arrears tracked per month
 *   SUKARELA   simpanan sukarela: voluntary savings; a liability; withdrawable down to the
 *              product's minimum balance
 *   BERJANGKA  simpanan berjangka: a time deposit for a term, matured by instruction (pay out,
 *              roll over, move to another account), with a penalty for breaking it early
 */
export const PRODUCT_KINDS = ['pokok', 'wajib', 'sukarela', 'berjangka'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];
export type Classification = 'equity' | 'liability';
export const INTEREST_POSTINGS = ['monthly', 'yearly'] as const;
export type InterestPosting = (typeof INTEREST_POSTINGS)[number];

/** Simpanan pokok and wajib are the members' capital (equity); the others are debts of the coop. */
export function classificationOf(kind: ProductKind): Classification {
  return kind === 'pokok' || kind === 'wajib' ? 'equity' : 'liability';
}

export interface ProductIdentity {
  code: string;
  kind: ProductKind;
  classification: Classification;
  /** May a hold on this product's balance secure a loan. */
  securesLoans: boolean;
  interest: { basis: InterestBasis; posting: InterestPosting } | null;
  /** Berjangka only: the term of each placement. */
  termMonths: number | null;
}

export interface ProductTerms {
  effectiveFrom: IsoDate;
  rateBasisPoints: number;
  minimumBalanceForInterest: bigint;
  /** Sukarela: the floor a withdrawal may not cross (0 when none). */
  minimumBalance: bigint;
  /** Pokok: the share every member pays, in one go or in instalments. */
  pokokAmount: bigint | null;
  /** Wajib: what a member owes each month. */
  wajibMonthlyAmount: bigint | null;
  /** Berjangka: charged on the balance when the deposit is broken before maturity. */
  earlyWithdrawalPenaltyBasisPoints: number;
  /** Berjangka: the smallest placement. */
  minimumPlacement: bigint;
}

export interface Product extends ProductIdentity {
  name: string;
  /** Oldest first, effective dates strictly increasing. */
  versions: ProductTerms[];
}

/** The terms in force on `date`; before the first version, the first version's terms. */
export function termsOn(product: Product, date: IsoDate): ProductTerms {
  let found = product.versions[0]!;
  for (const version of product.versions) if (version.effectiveFrom <= date) found = version;
  return found;
}

export function rateSchedule(product: Product): RateChange[] {
  return product.versions.map((v) => ({
    from: v.effectiveFrom,
    rateBasisPoints: v.rateBasisPoints,
  }));
}

export function minimumForInterestSchedule(product: Product): MinimumChange[] {
  return product.versions.map((v) => ({
    from: v.effectiveFrom,
    amount: v.minimumBalanceForInterest,
  }));
}
