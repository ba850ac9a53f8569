import { divideHalfUp } from '@kopfed/money';
import { addDays, daysInclusive, lastDayOfMonth, monthOf, type IsoDate } from '../shared/dates';

/**
 * Interest on savings (BRIEF §5), accrued day by day at 6 decimal places of a rupiah.
 *
 * The year always has 365 days: a day's interest is balance × rate ÷ 365, also in a leap
 * year, so 29 February earns a day like any other and a 366-day year pays 366/365 of the
 * nominal rate. Amounts here are micro-rupiah (10⁻⁶ rupiah) as bigint; each day's accrual is
 * rounded half-up to the micro-rupiah; posting rounds to whole rupiah (see posting.ts).
 *
 *   daily_balance          each day earns on its own closing balance, at that day's rate,
 *                          if that balance reaches that day's minimum for interest
 *   average_daily_balance  the period's average closing balance earns for every day of the
 *                          period, at the rate in force on its last day, if the average
 *                          reaches the minimum in force on that day
 *   minimum_balance        the period's lowest closing balance earns for every day, at the
 *                          rate and if it reaches the minimum in force on the last day
 */
export const ACCRUAL_PLACES = 6;
export const MICRO = 10n ** BigInt(ACCRUAL_PLACES);
export const DAYS_IN_YEAR = 365n;
const BASIS_POINTS = 10_000n;

export const INTEREST_BASES = [
  'daily_balance',
  'average_daily_balance',
  'minimum_balance',
] as const;
export type InterestBasis = (typeof INTEREST_BASES)[number];

/** From `from` on, the closing balance is `balance` until the next breakpoint. */
export interface BalanceBreakpoint {
  from: IsoDate;
  balance: bigint;
}

/** From `from` on, the product pays `rateBasisPoints` a year (900 = 9% p.a.). */
export interface RateChange {
  from: IsoDate;
  rateBasisPoints: number;
}

/** From `from` on, a balance earns only when it reaches `amount` (the product's terms). */
export interface MinimumChange {
  from: IsoDate;
  amount: bigint;
}

export interface AccrualInput {
  basis: InterestBasis;
  /** Sorted by date; the first must start on or before `start`. */
  breakpoints: readonly BalanceBreakpoint[];
  rates: readonly RateChange[];
  start: IsoDate;
  end: IsoDate;
  /** Sorted by date; before the first change, the first one's amount; none is no minimum. */
  minimumsForInterest: readonly MinimumChange[];
}

export interface MonthAccrual {
  month: string;
  days: number;
  /** What this month contributed: its share of the period's interest goes by these weights. */
  weight: bigint;
}

export interface Accrual {
  interestMicro: bigint;
  days: number;
  /** Rate applied by the average and minimum bases (the one in force on `end`). */
  rateBasisPoints: number;
  months: MonthAccrual[];
}

export function rateOn(rates: readonly RateChange[], date: IsoDate): number {
  let rate = 0;
  for (const change of rates) if (change.from <= date) rate = change.rateBasisPoints;
  return rate;
}

export function minimumOn(minimums: readonly MinimumChange[], date: IsoDate): bigint {
  let amount = minimums[0]?.amount ?? 0n;
  for (const change of minimums) if (change.from <= date) amount = change.amount;
  return amount;
}

export function balanceOn(breakpoints: readonly BalanceBreakpoint[], date: IsoDate): bigint {
  let balance = 0n;
  for (const point of breakpoints) if (point.from <= date) balance = point.balance;
  return balance;
}

/** One day's interest on `balance` at `rateBasisPoints` a year, in micro-rupiah. */
export function dailyInterestMicro(balance: bigint, rateBasisPoints: number): bigint {
  return divideHalfUp(balance * BigInt(rateBasisPoints) * MICRO, BASIS_POINTS * DAYS_IN_YEAR);
}

interface Run {
  from: IsoDate;
  days: number;
  balance: bigint;
  rateBasisPoints: number;
  minimumForInterest: bigint;
}

/** Maximal runs of days with one balance, one rate, one minimum and one month: no day loop. */
function runs(input: AccrualInput): Run[] {
  const cuts = new Set<IsoDate>([input.start]);
  for (const p of input.breakpoints)
    if (p.from > input.start && p.from <= input.end) cuts.add(p.from);
  for (const r of input.rates) if (r.from > input.start && r.from <= input.end) cuts.add(r.from);
  for (const m of input.minimumsForInterest)
    if (m.from > input.start && m.from <= input.end) cuts.add(m.from);
  for (
    let month = lastDayOfMonth(input.start);
    month < input.end;
    month = lastDayOfMonth(addDays(month, 1))
  ) {
    cuts.add(addDays(month, 1));
  }
  const starts = [...cuts].sort();
  return starts.map((from, i) => {
    const next = starts[i + 1];
    const to = next === undefined ? input.end : addDays(next, -1);
    return {
      from,
      days: daysInclusive(from, to),
      balance: balanceOn(input.breakpoints, from),
      rateBasisPoints: rateOn(input.rates, from),
      minimumForInterest: minimumOn(input.minimumsForInterest, from),
    };
  });
}

export function accrue(input: AccrualInput): Accrual {
  const rateAtEnd = rateOn(input.rates, input.end);
  if (input.end < input.start)
    return { interestMicro: 0n, days: 0, rateBasisPoints: rateAtEnd, months: [] };
  const months = new Map<string, MonthAccrual>();
  const month = (date: IsoDate) => {
    const key = monthOf(date);
    let found = months.get(key);
    if (!found) months.set(key, (found = { month: key, days: 0, weight: 0n }));
    return found;
  };
  let daily = 0n;
  let balanceDays = 0n;
  let lowest: bigint | undefined;
  let days = 0;
  for (const run of runs(input)) {
    const m = month(run.from);
    m.days += run.days;
    days += run.days;
    switch (input.basis) {
      case 'daily_balance': {
        const earns = run.balance > 0n && run.balance >= run.minimumForInterest;
        const amount = earns
          ? dailyInterestMicro(run.balance, run.rateBasisPoints) * BigInt(run.days)
          : 0n;
        daily += amount;
        m.weight += amount;
        break;
      }
      case 'average_daily_balance':
        balanceDays += run.balance * BigInt(run.days);
        m.weight += run.balance * BigInt(run.days);
        break;
      case 'minimum_balance':
        lowest = lowest === undefined || run.balance < lowest ? run.balance : lowest;
        m.weight += BigInt(run.days);
        break;
    }
  }
  const interestMicro = periodInterest(input, {
    daily,
    balanceDays,
    lowest: lowest ?? 0n,
    days,
    rateAtEnd,
  });
  return { interestMicro, days, rateBasisPoints: rateAtEnd, months: [...months.values()] };
}

function periodInterest(
  input: AccrualInput,
  totals: { daily: bigint; balanceDays: bigint; lowest: bigint; days: number; rateAtEnd: number },
): bigint {
  const yearDivisor = BASIS_POINTS * DAYS_IN_YEAR;
  const rate = BigInt(totals.rateAtEnd);
  const minimum = minimumOn(input.minimumsForInterest, input.end);
  switch (input.basis) {
    case 'daily_balance':
      return totals.daily;
    case 'average_daily_balance': {
      // Average ≥ minimum ⇔ Σ balances ≥ minimum × days: no rounding in the comparison.
      const earns = totals.balanceDays > 0n && totals.balanceDays >= minimum * BigInt(totals.days);
      return earns ? divideHalfUp(totals.balanceDays * rate * MICRO, yearDivisor) : 0n;
    }
    case 'minimum_balance': {
      const earns = totals.lowest > 0n && totals.lowest >= minimum;
      return earns
        ? divideHalfUp(totals.lowest * BigInt(totals.days) * rate * MICRO, yearDivisor)
        : 0n;
    }
  }
}
