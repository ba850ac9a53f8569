import { conflict, invariant, rejected } from '@kopfed/domain';
import { MAX_AMOUNT_MINOR, money } from '@kopfed/money';
import { compareCodes, typeOfCode, type AccountCode } from '../chart/account';
import type { Chart } from '../chart/chart';
import type { Balances } from '../journal/balances';
import {
  credit,
  debit,
  SHU_ROLL_FORWARD,
  totalsByCurrency,
  YEAR_END_CLOSING,
  type JournalEntry,
  type JournalLine,
} from '../journal/entry';
import { describePeriod, isPeriod, nextDay, periodEnd, periodStart } from '../period';
import type { LedgerCommand, LedgerEvent, LedgerState } from './ledger-model';
import { balancesAtYearEnd } from './ledger-state';

type ClosePeriod = Extract<LedgerCommand, { type: 'ClosePeriod' }>;

/**
 * Periods close in order, so "closed" is every date up to `closedThrough`. A month close
 * only stops postings. The year-end close also closes the year's months still open, and
 * posts, dated 31 December:
 * 1. what is left in SHU tahun berjalan — last year's result, less what the RAT divided —
 *    into SHU ditahan (retained SHU);
 * 2. the closing entry: every income and expense account's balance for the year into
 *    SHU tahun berjalan, so that account then holds exactly this year's result.
 * The year's balances come from `byYear`, so postings already dated in the next year do not
 * leak into the close.
 */
export function decideClose(command: ClosePeriod, state: LedgerState, chart: Chart): LedgerEvent[] {
  const { period } = command;
  if (!isPeriod(period)) throw rejected('period-invalid', 'Not a month or a year.', '/period');
  const name = describePeriod(period);
  const end = periodEnd(period);
  if (command.today <= end) {
    throw rejected('period-not-over', `${name} ends on ${end}; close it from ${nextDay(end)}.`);
  }
  // Periods close in order from the first one closed: a first close before the books begin
  // (a typo of a year) would leave every period since to be closed one by one.
  const first =
    period.kind === 'month' ? state.closedThrough === null : state.lastClosedYear === null;
  const { earliestEntryDate } = state;
  if (first && (earliestEntryDate === null || end < earliestEntryDate)) {
    throw rejected(
      'period-before-books',
      earliestEntryDate === null
        ? `The books hold no entry yet: there is nothing in ${name} to close.`
        : `These books begin on ${earliestEntryDate}: ${name} is before them; close the period that holds it first.`,
      '/period',
    );
  }
  const closed = (closedThrough: string): LedgerEvent => ({
    type: 'PeriodClosed',
    data: { coopId: command.coopId, period, closedThrough, closedAt: command.closedAt },
  });
  if (period.kind === 'month') {
    const { closedThrough } = state;
    if (closedThrough !== null && end <= closedThrough) {
      throw conflict('period-already-closed', `${name} is already closed.`);
    }
    if (closedThrough !== null && periodStart(period) !== nextDay(closedThrough)) {
      throw conflict('period-out-of-order', `Close ${nextDay(closedThrough).slice(0, 7)} first.`);
    }
    return [closed(end)];
  }
  const { lastClosedYear } = state;
  if (lastClosedYear !== null && period.year <= lastClosedYear) {
    throw conflict('period-already-closed', `The year ${name} is already closed.`);
  }
  if (lastClosedYear !== null && period.year !== lastClosedYear + 1) {
    throw conflict('period-out-of-order', `Close the year ${lastClosedYear + 1} first.`);
  }
  const earlier = [...state.byYear]
    .filter(([year, change]) => year < period.year && nominalLines(change).length > 0)
    .map(([year]) => year);
  if (lastClosedYear === null && earlier.length > 0) {
    throw conflict('earlier-year-open', `Close the year ${Math.min(...earlier)} first.`);
  }
  for (const id of [command.closingEntryId, command.rollForwardEntryId]) {
    if (state.posted.has(id)) throw conflict('entry-id-used', `Entry id ${id} is already used.`);
  }
  const entries = yearEndEntries(command, state, chart, period.year);
  const closedThrough =
    state.closedThrough !== null && state.closedThrough > end ? state.closedThrough : end;
  return [
    ...entries.map((entry): LedgerEvent => ({ type: 'EntryPosted', data: { entry } })),
    closed(closedThrough),
  ];
}

function yearEndEntries(
  command: ClosePeriod,
  state: LedgerState,
  chart: Chart,
  year: number,
): JournalEntry[] {
  const { currentYearShu, retainedShu } = chart.roles;
  const base = {
    coopId: command.coopId,
    businessDate: `${year}-12-31`,
    recordedAt: command.closedAt,
  };
  const leftover = balancesAtYearEnd(state, year).get(currentYearShu) ?? new Map<string, bigint>();
  const rollForward = [...leftover].flatMap(([currency, value]) => [
    ...lines(currentYearShu, value, currency),
    ...lines(retainedShu, -value, currency),
  ]);
  const closing = nominalLines(state.byYear.get(year) ?? new Map());
  for (const [currency, { debitMinor, creditMinor }] of totalsByCurrency(closing)) {
    if (debitMinor !== creditMinor)
      closing.push(...lines(currentYearShu, debitMinor - creditMinor, currency));
  }
  const entries: JournalEntry[] = [];
  if (rollForward.length > 0) {
    entries.push({
      ...base,
      entryId: command.rollForwardEntryId,
      description: `SHU tersisa setelah RAT ke SHU ditahan, tutup buku ${year} (undivided SHU to retained)`,
      lines: rollForward,
      source: { eventId: command.rollForwardEntryId, type: SHU_ROLL_FORWARD },
    });
  }
  if (closing.length >= 2) {
    entries.push({
      ...base,
      entryId: command.closingEntryId,
      description: `Tutup buku ${year}: pendapatan dan beban ke SHU tahun berjalan (year-end close)`,
      lines: closing,
      source: { eventId: command.closingEntryId, type: YEAR_END_CLOSING },
    });
  }
  for (const entry of entries) {
    for (const [currency, t] of totalsByCurrency(entry.lines)) {
      invariant(t.debitMinor === t.creditMinor, `closing entry unbalanced in ${currency}`);
    }
  }
  return entries;
}

/**
 * Lines that bring a balance (debit-positive `value`) of `account` to zero: one line, or
 * several when the balance passes the 18 digits a stored amount may have.
 */
function lines(account: AccountCode, value: bigint, currency: string): JournalLine[] {
  const result: JournalLine[] = [];
  for (let left = value < 0n ? -value : value; left > 0n; left -= MAX_AMOUNT_MINOR) {
    const amount = money(left < MAX_AMOUNT_MINOR ? left : MAX_AMOUNT_MINOR, currency);
    result.push(value > 0n ? credit(account, amount) : debit(account, amount));
  }
  return result;
}

/**
 * Lines emptying every income and expense account of `change`. The SAK EP-style code says
 * the type (4 pendapatan, 5 beban), so an account since removed from the chart still closes.
 */
function nominalLines(change: Balances): JournalLine[] {
  const codes = [...change.keys()]
    .filter((code) => typeOfCode(code) === 'income' || typeOfCode(code) === 'expense')
    .sort(compareCodes);
  return codes.flatMap((code) =>
    [...(change.get(code) ?? new Map<string, bigint>())]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([currency, value]) => lines(code, value, currency)),
  );
}
