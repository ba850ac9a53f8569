import { unreachable } from '@kopfed/domain';
import type { JournalEntry } from '../journal/entry';
import type { LedgerEvent } from './ledger-model';

/** The journal a ledger's events record, in order: what the books are computed from. */
export function journalOf(events: Iterable<LedgerEvent>): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'EntryPosted':
        entries.push(event.data.entry);
        break;
      case 'EntryReversed':
        entries.push(event.data.reversal);
        break;
      case 'ChartConfigured':
      case 'PeriodClosed':
        break;
      default:
        unreachable(event, 'ledger event');
    }
  }
  return entries;
}
