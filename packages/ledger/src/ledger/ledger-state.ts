import { unreachable } from '@kopfed/domain';
import { trustedChart } from '../chart/chart';
import { applyLines, combine, NO_BALANCES, type Balances } from '../journal/balances';
import type { JournalEntry } from '../journal/entry';
import type { EntryId } from '../ids';
import { yearOf, type BusinessDate } from '../period';
import { AppendOnlyIndex } from './append-only-index';
import type { LedgerEvent, LedgerState } from './ledger-model';

export function initialLedgerState(): LedgerState {
  return {
    coopId: null,
    chart: null,
    balances: NO_BALANCES,
    byYear: new Map(),
    closedThrough: null,
    earliestEntryDate: null,
    firstClosedYear: null,
    lastClosedYear: null,
    posted: AppendOnlyIndex.empty<EntryId>(),
    reversed: new Set(),
  };
}

function withEntry(state: LedgerState, entry: JournalEntry): LedgerState {
  const year = yearOf(entry.businessDate);
  const byYear = new Map(state.byYear);
  byYear.set(year, applyLines(state.byYear.get(year) ?? NO_BALANCES, entry.lines));
  return {
    ...state,
    balances: applyLines(state.balances, entry.lines),
    byYear,
    earliestEntryDate:
      state.earliestEntryDate !== null && state.earliestEntryDate <= entry.businessDate
        ? state.earliestEntryDate
        : entry.businessDate,
    posted: state.posted.with(entry.source.eventId, entry.entryId),
  };
}

export function evolveLedger(state: LedgerState, event: LedgerEvent): LedgerState {
  switch (event.type) {
    case 'ChartConfigured':
      return {
        ...state,
        coopId: event.data.coopId,
        chart: trustedChart(event.data.accounts, event.data.roles),
      };
    case 'EntryPosted':
      return withEntry(state, event.data.entry);
    case 'EntryReversed': {
      const { reversal } = event.data;
      const reversed = new Set(state.reversed);
      if (reversal.reverses !== undefined) reversed.add(reversal.reverses);
      return { ...withEntry(state, reversal), reversed };
    }
    case 'PeriodClosed': {
      const { period, closedThrough } = event.data;
      return {
        ...state,
        closedThrough: later(state.closedThrough, closedThrough),
        firstClosedYear:
          period.kind === 'year' && state.firstClosedYear === null
            ? period.year
            : state.firstClosedYear,
        lastClosedYear: period.kind === 'year' ? period.year : state.lastClosedYear,
      };
    }
    default:
      return unreachable(event, 'ledger event');
  }
}

function later(a: BusinessDate | null, b: BusinessDate): BusinessDate {
  return a !== null && a > b ? a : b;
}

/** Balances as of the end of `year`: the sum of every year's change up to it. */
export function balancesAtYearEnd(state: LedgerState, year: number): Balances {
  let total = NO_BALANCES;
  for (const [y, change] of state.byYear) if (y <= year) total = combine(total, change);
  return total;
}
