import { invariant } from '@kopfed/domain';
import { accrue, type RateChange } from '../../interest/accrual';
import { roundForPosting } from '../../interest/posting';
import { withholdingTax, type MemberMonth, type MonthTax } from '../../interest/withholding-tax';
import {
  minimumForInterestSchedule,
  rateSchedule,
  type InterestPosting,
  type Product,
} from '../../products/product';
import { addDays, lastDayOfMonth, lastDayOfYear, maxDate, type IsoDate } from '../../shared/dates';
import type { OpenedAccount } from '../account-state';
import type { Draft } from '../draft';

/** A posting covers at most one period; catching up after missed closes is bounded too. */
const MAX_PERIODS_PER_RUN = 120;

export function periodEndOf(date: IsoDate, posting: InterestPosting): IsoDate {
  return posting === 'monthly' ? lastDayOfMonth(date) : lastDayOfYear(date);
}

export function periodStartOf(date: IsoDate, posting: InterestPosting): IsoDate {
  return posting === 'monthly' ? `${date.slice(0, 7)}-01` : `${date.slice(0, 4)}-01-01`;
}

/**
 * The first day that can still earn or carry anything: interest is due at the end of its
 * period. Undefined when nothing is left to post (no balance, no residue).
 */
export function firstEarningDay(account: OpenedAccount): IsoDate | undefined {
  if (!account.product.interest || account.status !== 'open') return undefined;
  const next = addDays(account.interest.postedThrough, 1);
  if (account.interest.carriedMicro !== 0n) return next;
  const funded = account.interest.breakpoints.find((p) => p.balance > 0n);
  return funded ? maxDate(funded.from, next) : undefined;
}

export function nextInterestDue(account: OpenedAccount): IsoDate | undefined {
  const first = firstEarningDay(account);
  return first && account.product.interest
    ? periodEndOf(first, account.product.interest.posting)
    : undefined;
}

function ratesOf(account: OpenedAccount, product: Product): RateChange[] {
  // A time deposit keeps the rate it was placed (or rolled over) at.
  return account.timeDeposit
    ? [{ from: account.timeDeposit.placedOn, rateBasisPoints: account.timeDeposit.rateBasisPoints }]
    : rateSchedule(product);
}

/**
 * Posts interest for one period, ending on `end` (a period end, or the eve of a maturity or
 * closing). `member` is what the member's other accounts bring to the month's tax threshold.
 */
export function postPeriod(
  draft: Draft,
  end: IsoDate,
  product: Product,
  member: readonly MemberMonth[] = [],
): void {
  const account = draft.state;
  const interest = account.product.interest;
  if (!interest || end <= account.interest.postedThrough) return;
  const start = maxDate(
    addDays(account.interest.postedThrough, 1),
    periodStartOf(end, interest.posting),
  );
  const accrual = accrue({
    basis: interest.basis,
    breakpoints: account.interest.breakpoints,
    rates: ratesOf(account, product),
    start,
    end,
    minimumsForInterest: minimumForInterestSchedule(product),
  });
  const carriedIn = account.interest.carriedMicro;
  const { amount, carriedOutMicro } = roundForPosting(accrual.interestMicro, carriedIn);
  const tax = withholdingTax({
    amount,
    months: accrual.months,
    memberKind: account.memberKind,
    previous: account.interest.lastMonth,
    member,
    // Never below zero: what the balance cannot give stays owed, for a later posting in the month.
    limit: account.balance + amount,
    on: end,
  });
  draft.push({
    type: 'InterestPosted',
    data: {
      periodStart: start,
      periodEnd: end,
      on: end,
      basis: interest.basis,
      rateBasisPoints: accrual.rateBasisPoints,
      days: accrual.days,
      accruedMicro: accrual.interestMicro.toString(),
      carriedInMicro: carriedIn.toString(),
      carriedOutMicro: carriedOutMicro.toString(),
      amount: amount.toString(),
      months: changedMonths(amount, tax.byMonth, account.interest.lastMonth).map(wireMonth),
    },
  });
  if (tax.tax > 0n) {
    draft.push({
      type: 'InterestTaxWithheld',
      data: {
        amount: tax.tax.toString(),
        on: end,
        periodEnd: end,
        rateBasisPoints: tax.rule.rateBasisPoints,
        monthlyThreshold: tax.rule.monthlyThreshold.toString(),
        source: tax.rule.source,
        months: tax.byMonth.map(wireMonth),
        ...(member.length > 0 ? { memberMonths: tax.memberByMonth.map(wireMonth) } : {}),
      },
    });
  }
}

/**
 * The months a posting changes: all of them when it pays interest; otherwise only those it
 * withholds the member's tax still owed in, so that tax counts as the month's (and is not
 * withheld again by a later posting in it).
 */
function changedMonths(amount: bigint, byMonth: readonly MonthTax[], previous: MonthTax | null) {
  if (amount > 0n) return byMonth;
  return byMonth.filter((m) => m.tax !== (previous?.month === m.month ? previous.tax : 0n));
}

const wireMonth = (m: { month: string; gross: bigint; tax: bigint }) => ({
  month: m.month,
  gross: m.gross.toString(),
  tax: m.tax.toString(),
});

/** Posts every period that ended on or before `through`, oldest first. */
export function postDuePeriods(
  draft: Draft,
  through: IsoDate,
  product: Product,
  member: readonly MemberMonth[] = [],
): void {
  const posting = draft.state.product.interest?.posting;
  if (!posting) return;
  for (let i = 0; ; i++) {
    invariant(
      i < MAX_PERIODS_PER_RUN,
      `more than ${MAX_PERIODS_PER_RUN} interest periods to post at once`,
    );
    const first = firstEarningDay(draft.state);
    if (first === undefined) return;
    const end = periodEndOf(first, posting);
    if (end > through) return;
    postPeriod(draft, end, product, member);
    invariant(draft.state.interest.postedThrough >= end, 'a posting moves the posted-through date');
  }
}
