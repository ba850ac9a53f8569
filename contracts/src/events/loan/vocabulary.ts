import { z } from 'zod';
import {
  ENTITY_ID_PATTERN,
  LoanId,
  CoopId,
  MemberId,
  SavingsAccountId,
  AgreementId,
} from '../../ids';

/**
 * The loan service's words. Every loan event names the loan, its coop (the lender, whose books
 * post it), the borrowing member and the loan product, so the books map it onto a posting rule
 * (packages/ledger/src/posting/movements.ts) without asking anything else.
 */
export const LoanMethod = z
  .enum(['FLAT', 'EFFECTIVE', 'ANNUITY', 'BULLET'])
  .describe(
    'FLAT: interest on the original principal; EFFECTIVE: declining balance, equal principal; ANNUITY: equal payments; BULLET: principal at maturity',
  );
export type LoanMethod = z.output<typeof LoanMethod>;

/**
 * Kolektibilitas (loan quality) by days past due, under a versioned policy table:
 *   L    Lancar (current)
 *   DPK  Dalam Perhatian Khusus (special mention)
 *   KL   Kurang Lancar (substandard)
 *   D    Diragukan (doubtful)
 *   M    Macet (loss)
 * KL, D and M are non-performing (NPL).
 */
export const Kolektibilitas = z.enum(['L', 'DPK', 'KL', 'D', 'M']);
export type Kolektibilitas = z.output<typeof Kolektibilitas>;

/** A coop's code for a loan (or savings) product, as the ledger's GL mapping keys it. */
export const LoanProductCode = z
  .string()
  .regex(/^[A-Z0-9_]{1,32}$/)
  .describe('product code: 1–32 of A–Z, 0–9 and _');
export type LoanProductCode = z.output<typeof LoanProductCode>;

export const LoanAnnualRatePercent = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,2})(\.[0-9]{1,6})?$/)
  .describe('nominal annual rate in percent, at most 6 decimals, e.g. "12" or "9.75"');

/** A savings hold's id, as the savings service names the hold it placed. */
export const LoanCollateralHoldId = z
  .string()
  .regex(ENTITY_ID_PATTERN)
  .describe("the savings service's id of the hold");

/**
 * Where money came from or went to, seen from the lending coop's books: the ledger's `Funds`.
 * `savings` names the account, so the savings service credits (disbursement) or debits
 * (repayment by auto-debit) it when it sees the event.
 */
export const LoanFunds = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cash') }),
  z.strictObject({ kind: z.literal('bank') }),
  z.strictObject({ kind: z.literal('deposit_with_parent') }),
  z.strictObject({ kind: z.literal('settlement_in_transit') }),
  z.strictObject({
    kind: z.literal('savings'),
    savingsAccountId: SavingsAccountId,
    productCode: LoanProductCode.describe("the savings account's product code"),
  }),
]);
export type LoanFunds = z.output<typeof LoanFunds>;

/** A person borrows from a primary coop; a member coop from its secondary, under an agreement. */
export const LoanBorrower = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('person') }),
  z.strictObject({
    kind: z.literal('coop'),
    memberCoopId: CoopId,
    agreementId: AgreementId.describe('the cooperation agreement in force when it applied'),
  }),
]);
export type LoanBorrower = z.output<typeof LoanBorrower>;

/** The fields every loan event starts with. */
export const loanEventBase = {
  loanId: LoanId,
  coopId: CoopId.describe('the lending coop, whose books post the event'),
  memberId: MemberId.describe('the borrowing member'),
  productCode: LoanProductCode,
};

/** Shared by the examples. */
export const LOAN_EXAMPLE = {
  loanId: '0193a3d0-1c2b-7d3e-8f40-5a6b7c8d9e01',
  coopId: '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
  memberId: '0193a3c3-0a4b-7c2d-8e1f-5a6b7c8d9e10',
  productCode: 'PINJAMAN',
} as const;
