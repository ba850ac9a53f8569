import type { Money } from '@kopfed/money';
import type { AccountCode, Side } from '../chart/account';
import type { CoopId, EntryId } from '../ids';
import type { BusinessDate } from '../period';

/** One side of a posting: a positive amount debited or credited to one account. */
export type JournalLine =
  | {
      readonly account: AccountCode;
      readonly debit: Money;
      readonly credit?: undefined;
      readonly memo?: string;
    }
  | {
      readonly account: AccountCode;
      readonly credit: Money;
      readonly debit?: undefined;
      readonly memo?: string;
    };

/** What caused the entry: the money event it posts, or the ledger command that made it. */
export interface SourceRef {
  /** Posting the same source event twice changes nothing (the exactly-once rule). */
  eventId: string;
  type: string;
}

/**
 * A journal entry: immutable once posted. A mistake is corrected by a reversing entry (the
 * same lines, sides swapped, `reverses` naming the original) dated in an open period.
 */
export interface JournalEntry {
  readonly entryId: EntryId;
  readonly coopId: CoopId;
  /** The date the entry takes effect (Asia/Jakarta). */
  readonly businessDate: BusinessDate;
  /** The UTC instant it was recorded. */
  readonly recordedAt: string;
  readonly description: string;
  readonly lines: readonly JournalLine[];
  readonly source: SourceRef;
  readonly reverses?: EntryId;
}

/** Source types of the entries the ledger makes itself: year-end close, SHU roll-forward, reversal. */
export const YEAR_END_CLOSING = 'YearEndClosing';
export const SHU_ROLL_FORWARD = 'ShuRolledForward';
export const ENTRY_REVERSAL = 'EntryReversal';

export function debit(account: AccountCode, amount: Money, memo?: string): JournalLine {
  return memo === undefined ? { account, debit: amount } : { account, debit: amount, memo };
}

export function credit(account: AccountCode, amount: Money, memo?: string): JournalLine {
  return memo === undefined ? { account, credit: amount } : { account, credit: amount, memo };
}

export const sideOf = (line: JournalLine): Side => (line.debit !== undefined ? 'debit' : 'credit');

export const amountOf = (line: JournalLine): Money =>
  line.debit !== undefined ? line.debit : line.credit;

/** The line's amount signed debit-positive: + for a debit, − for a credit. */
export function signedMinor(line: JournalLine): bigint {
  return line.debit !== undefined ? line.debit.amountMinor : -line.credit.amountMinor;
}

export function swapSide(line: JournalLine): JournalLine {
  return line.debit !== undefined
    ? credit(line.account, line.debit, line.memo)
    : debit(line.account, line.credit, line.memo);
}

export interface CurrencyTotals {
  debitMinor: bigint;
  creditMinor: bigint;
}

/** Σ debit and Σ credit of the lines, per currency. */
export function totalsByCurrency(lines: readonly JournalLine[]): Map<string, CurrencyTotals> {
  const totals = new Map<string, CurrencyTotals>();
  for (const line of lines) {
    const amount = amountOf(line);
    const total = totals.get(amount.currency) ?? { debitMinor: 0n, creditMinor: 0n };
    if (line.debit !== undefined) total.debitMinor += amount.amountMinor;
    else total.creditMinor += amount.amountMinor;
    totals.set(amount.currency, total);
  }
  return totals;
}

export interface ReversalOptions {
  entryId: EntryId;
  businessDate: BusinessDate;
  recordedAt: string;
  /** The command or request that asked for the reversal: its id makes it exactly-once. */
  sourceEventId: string;
  reason: string;
}

/** The reversing entry of `original`: every line on the other side. */
export function reversalOf(original: JournalEntry, options: ReversalOptions): JournalEntry {
  return {
    entryId: options.entryId,
    coopId: original.coopId,
    businessDate: options.businessDate,
    recordedAt: options.recordedAt,
    description: `Koreksi (reversal of ${original.entryId}): ${options.reason}`.slice(0, 500),
    lines: original.lines.map(swapSide),
    source: { eventId: options.sourceEventId, type: ENTRY_REVERSAL },
    reverses: original.entryId,
  };
}
