import { allocateLargestRemainder, divideHalfUp } from '@kopfed/money';
import type { IsoDate } from '../shared/dates';

/**
 * Final withholding tax on savings interest paid by a coop to its individual members
 * (PP 15/2009): nothing when the member's interest in a month, on all its accounts together,
 * is at most Rp240,000, otherwise 10% of that whole gross (not only of the excess). Members
 * that are coops pay none. The rule is data with an effective date (BRIEF §5): a new rule is a
 * new row.
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

/**
 * The member's other accounts in a month: the interest and tax they have posted, and the
 * interest they post after this account in the same close of business (`alongside`), which
 * takes its share of the month's tax when it posts.
 */
export interface MemberMonth extends MonthTax {
  alongside: bigint;
}

export interface TaxInput {
  amount: bigint;
  /** The posting's months with their weights (see accrual.ts), oldest first. */
  months: readonly { month: string; weight: bigint }[];
  memberKind: 'person' | 'coop';
  /** This account's latest month with a posting. */
  previous: MonthTax | null;
  /** The member's other accounts, by month; a month not listed has nothing on them. */
  member?: readonly MemberMonth[];
  /** The most that can be withheld: the balance once the interest is credited. */
  limit?: bigint;
  on: IsoDate;
}

export interface TaxResult {
  tax: bigint;
  rule: WithholdingTaxRule;
  /** The posting split by month, exactly adding up to the amount; this account's gross and tax in each. */
  byMonth: MonthTax[];
  /** The member's gross in each month (this account, the others', and what they post alongside) and its tax. */
  memberByMonth: MonthTax[];
  last: MonthTax | null;
}

/** Tax of the month's gross under a rule. */
export function monthlyTax(gross: bigint, rule: WithholdingTaxRule): bigint {
  return gross > rule.monthlyThreshold
    ? divideHalfUp(gross * BigInt(rule.rateBasisPoints), 10_000n)
    : 0n;
}

const NOTHING: MemberMonth = { month: '', gross: 0n, tax: 0n, alongside: 0n };

/**
 * This posting's tax, month by month. The member's tax for a month is due on its whole gross
 * there; what is still owed (due less what any of its accounts withheld already) is split
 * between this posting and the interest its other accounts post alongside, in proportion to
 * their gross, so the last of them to post takes the rounding rupiah and the month adds up.
 */
export function withholdingTax(input: TaxInput): TaxResult {
  const rule = taxRuleOn(input.on);
  const months =
    input.months.length > 0 ? input.months : [{ month: input.on.slice(0, 7), weight: 1n }];
  const weights = months.map((m) => m.weight);
  const shares = weights.some((w) => w > 0n)
    ? allocateLargestRemainder(input.amount, weights)
    : months.map((_, i) => (i === months.length - 1 ? input.amount : 0n));
  let tax = 0n;
  let room = input.limit;
  const memberByMonth: MonthTax[] = [];
  const byMonth = months.map((m, i): MonthTax => {
    const share = shares[i]!;
    const before = input.previous?.month === m.month ? input.previous : { gross: 0n, tax: 0n };
    const others = input.member?.find((o) => o.month === m.month) ?? NOTHING;
    const gross = before.gross + share;
    const memberGross = gross + others.gross + others.alongside;
    const due = input.memberKind === 'coop' ? 0n : monthlyTax(memberGross, rule);
    const owed = due - before.tax - others.tax;
    let part =
      owed <= 0n
        ? 0n
        : others.alongside === 0n
          ? owed
          : divideHalfUp(owed * share, share + others.alongside);
    if (room !== undefined) {
      part = part < room ? part : room;
      room -= part;
    }
    tax += part;
    memberByMonth.push({ month: m.month, gross: memberGross, tax: due });
    return { month: m.month, gross, tax: before.tax + part };
  });
  return { tax, rule, byMonth, memberByMonth, last: byMonth.at(-1) ?? input.previous };
}
