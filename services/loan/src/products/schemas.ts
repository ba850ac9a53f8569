import { z } from 'zod';
import {
  Day,
  IdrAmount,
  IdrNonNegative,
  Method,
  Months,
  MoneyOut,
  Percent,
  RatePercent,
  money,
} from '../shared/http-schemas';
import { ALLOCATION_BUCKETS, DEFAULT_ALLOCATION_ORDER, type LoanProductTerms } from './terms';
import type { ProductState } from './product.decider';

export const TermsBody = z.strictObject({
  name: z.string().min(1).max(100),
  method: Method,
  annualRatePercent: RatePercent,
  minTermMonths: Months.min(1),
  maxTermMonths: Months.min(1),
  maxGraceMonths: Months.default(0),
  minPrincipal: IdrAmount,
  maxPrincipal: IdrAmount,
  disbursementFeePercent: Percent.default('0'),
  lateFee: IdrNonNegative.optional().describe(
    'charged once for each installment that falls past due',
  ),
  penaltyPercentPerDay: Percent.default('0').describe(
    'denda per day on overdue principal and interest',
  ),
  allocationOrder: z
    .array(z.enum(ALLOCATION_BUCKETS))
    .length(4)
    .default([...DEFAULT_ALLOCATION_ORDER])
    .describe('where repayments go first; default penalty, fee, interest, principal'),
  collateralSharePercent: Percent.default('0').describe(
    "share of the principal a hold on the borrower's savings must secure",
  ),
});

export const DefineVersionBody = z.strictObject({ effectiveFrom: Day, terms: TermsBody });

export function termsOf(body: z.output<typeof TermsBody>): LoanProductTerms {
  return {
    name: body.name,
    method: body.method,
    annualRatePercent: body.annualRatePercent,
    minTermMonths: body.minTermMonths,
    maxTermMonths: body.maxTermMonths,
    maxGraceMonths: body.maxGraceMonths,
    minPrincipal: body.minPrincipal.amount,
    maxPrincipal: body.maxPrincipal.amount,
    disbursementFeePercent: body.disbursementFeePercent,
    lateFee: body.lateFee?.amount ?? '0',
    penaltyPercentPerDay: body.penaltyPercentPerDay,
    allocationOrder: body.allocationOrder,
    collateralSharePercent: body.collateralSharePercent,
  };
}

const TermsOut = z.object({
  name: z.string(),
  method: z.string(),
  annualRatePercent: z.string(),
  minTermMonths: z.int(),
  maxTermMonths: z.int(),
  maxGraceMonths: z.int(),
  minPrincipal: MoneyOut,
  maxPrincipal: MoneyOut,
  disbursementFeePercent: z.string(),
  lateFee: MoneyOut,
  penaltyPercentPerDay: z.string(),
  allocationOrder: z.array(z.string()),
  collateralSharePercent: z.string(),
});

export const ProductOut = z.object({
  coopId: z.string(),
  productCode: z.string(),
  versions: z.array(z.object({ effectiveFrom: z.string(), terms: TermsOut })),
});

export function termsView(terms: LoanProductTerms): z.input<typeof TermsOut> {
  return {
    ...terms,
    minPrincipal: money(BigInt(terms.minPrincipal)),
    maxPrincipal: money(BigInt(terms.maxPrincipal)),
    lateFee: money(BigInt(terms.lateFee)),
  };
}

export function productView(
  coopId: string,
  productCode: string,
  versions: ProductState['versions'],
): z.input<typeof ProductOut> {
  return {
    coopId,
    productCode,
    versions: versions.map((v) => ({ effectiveFrom: v.effectiveFrom, terms: termsView(v.terms) })),
  };
}
