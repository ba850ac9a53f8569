import type { DomainEvent } from '@kopfed/domain';
import type { Account } from '../chart/account';
import type { Chart, ChartChanges, ChartRoles } from '../chart/chart';
import type { Balances } from '../journal/balances';
import type { JournalEntry } from '../journal/entry';
import type { CoopId, EntryId } from '../ids';
import type { BusinessDate, Period } from '../period';
import type { AppendOnlyIndex } from './append-only-index';

export type ChartConfigured = DomainEvent<
  'ChartConfigured',
  {
    coopId: CoopId;
    /** The whole resolved chart, so a replay never depends on today's default chart. */
    accounts: Account[];
    roles: ChartRoles;
    configuredAt: string;
  }
>;
export type EntryPosted = DomainEvent<'EntryPosted', { entry: JournalEntry }>;
export type EntryReversed = DomainEvent<
  'EntryReversed',
  { reversal: JournalEntry; reason: string }
>;
export type PeriodClosed = DomainEvent<
  'PeriodClosed',
  {
    coopId: CoopId;
    period: Period;
    /** Every business date up to and including this one is now closed. */
    closedThrough: BusinessDate;
    closedAt: string;
  }
>;

export type LedgerEvent = ChartConfigured | EntryPosted | EntryReversed | PeriodClosed;

export type LedgerCommand =
  | { type: 'ConfigureChart'; coopId: CoopId; changes: ChartChanges; configuredAt: string }
  | {
      type: 'PostEntry';
      entry: JournalEntry;
      /**
       * Today's business date, for an entry made by hand: it is dated neither after today
       * nor before the books could have begun. A money event of another service carries
       * its own date and comes without it.
       */
      today?: BusinessDate;
    }
  | {
      type: 'ReverseEntry';
      /** The entry as posted, read by the service from the journal; checked against state. */
      original: JournalEntry;
      reversalEntryId: EntryId;
      /** The request or message asking for it: posting it twice changes nothing. */
      sourceEventId: string;
      businessDate: BusinessDate;
      recordedAt: string;
      reason: string;
      /** Today's business date, for a reversal asked for by hand: not dated after it. */
      today?: BusinessDate;
    }
  | {
      type: 'ClosePeriod';
      coopId: CoopId;
      period: Period;
      /** Today's business date: a period is closed only once it is over. */
      today: BusinessDate;
      closedAt: string;
      /** Ids for the entries a year-end close posts (unused at a month close). */
      closingEntryId: EntryId;
      rollForwardEntryId: EntryId;
    };

/**
 * What the decider needs to judge a command, and no more. Its size is what replaying a
 * coop's stream costs:
 * - `balances`: accounts × currencies, bounded by the chart;
 * - `byYear`: the same per business-date year — years × accounts × currencies;
 * - `closedThrough`, `earliestEntryDate`, `firstClosedYear`, `lastClosedYear`: four values,
 *   as periods close in order;
 * - `posted`: source event id → entry id of every entry: the one part that grows with the
 *   entries (~100 bytes each). It is the permanent exactly-once rule (BRIEF §4: client ids
 *   are deduplicated permanently) and lets a reversal check that its original was posted.
 *   At a million entries it is ~100 MB; a service that expects that many should snapshot
 *   this state, or open one stream per financial year (a closed year takes no postings).
 * - `reversed`: the entries reversed so far — the corrections, a small set.
 * Entry lines are not kept: the books are computed from the events (see books/).
 */
export interface LedgerState {
  coopId: CoopId | null;
  chart: Chart | null;
  /** All postings so far, whatever their business date. */
  balances: Balances;
  /** The net change of each business-date year: a year end's balance is the sum up to it. */
  byYear: ReadonlyMap<number, Balances>;
  closedThrough: BusinessDate | null;
  /** The earliest business date of any entry: where these books begin. */
  earliestEntryDate: BusinessDate | null;
  /**
   * The first financial year these books closed: years close in order from it, so every year
   * from it to `lastClosedYear` was closed here; an earlier one was kept elsewhere.
   */
  firstClosedYear: number | null;
  lastClosedYear: number | null;
  posted: AppendOnlyIndex<EntryId>;
  reversed: ReadonlySet<EntryId>;
}
