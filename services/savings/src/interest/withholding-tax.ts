import { allocateLargestRemainder, divideHalfUp } from '@kopfed/money';
import type { IsoDate } from '../shared/dates';

/**
 * Final withholding tax on savings interest paid by a coop to its individual members
 * (PP 15/2009): nothing when the month's interest is at most Rp240,000, otherwise 10% of the
 * month's whole gross interest (not only of the excess). Members that are coops pay none.
 * The rule is data with an effective date (BRIEF §5): a new rule is a new row.
 */
export interface WithholdingTaxRule {
  effectiveFrom: IsoDate;
  monthlyThreshold: bigint;
  rateBasisPoints: number;
  source: string;
}

export const WITHHOLDING_TAX_RULES: readonly WithholdingTaxRule[] = [
  {
    effectiveFrom: '2009-01-01',
    monthlyThreshold: 240_000n,
    rateBasisPoints: 1_000,
    source: 'PP 15/2009',
  },
];

export function taxRuleOn(date: IsoDate, rules = WITHHOLDING_TAX_RULES): WithholdingTaxRule {
  let found = rules[0]!;
  for (const rule of rules) if (rule.effectiveFrom <= date) found = rule;
  return found;
}

/** The interest and tax already posted in a month, so a second posting in it is judged on the whole month. */
export interface MonthTax {
  month: string;
  gross: bigint;
  tax: bigint;
}

export interface TaxInput {
  amount: bigint;
  /** The posting's months with their weights (see accrual.ts), oldest first. */
  months: readonly { month: string; weight: bigint }[];
  memberKind: 'person' | 'coop';
  previous: MonthTax | null;
  on: IsoDate;
}

export interface TaxResult {
  tax: bigint;
  rule: WithholdingTaxRule;
  /** The posting split by month, exactly adding up to the amount. */
  byMonth: MonthTax[];
  last: MonthTax | null;
}

/** Tax of the month's gross under a rule. */
export function monthlyTax(gross: bigint, rule: WithholdingTaxRule): bigint {
  return gross > rule.monthlyThreshold
    ? divideHalfUp(gross * BigInt(rule.rateBasisPoints), 10_000n)
    : 0n;
}

export function withholdingTax(input: TaxInput): TaxResult {
  const rule = taxRuleOn(input.on);
  const months =
    input.months.length > 0 ? input.months : [{ month: input.on.slice(0, 7), weight: 1n }];
  const weights = months.map((m) => m.weight);
  const shares = weights.some((w) => w > 0n)
    ? allocateLargestRemainder(input.amount, weights)
    : months.map((_, i) => (i === months.length - 1 ? input.amount : 0n));
  let tax = 0n;
  const byMonth = months.map((m, i): MonthTax => {
    const before = input.previous?.month === m.month ? input.previous : { gross: 0n, tax: 0n };
    const gross = before.gross + shares[i]!;
    const monthTax = input.memberKind === 'coop' ? 0n : monthlyTax(gross, rule);
    tax += monthTax - before.tax;
    return { month: m.month, gross, tax: monthTax };
  });
  return { tax, rule, byMonth, last: byMonth.at(-1) ?? input.previous };
}
