import type Database from 'better-sqlite3';
import { decodeLedgerEvent, type LedgerEvent, type StoredLedgerEvent } from '@kopfed/ledger';

/** Streams of the coops' ledgers in the settlement store: `ledger-<coopId>` (category `ledger`). */
export const LEDGER_CATEGORY = 'ledger';
export const ledgerStreamOf = (coopId: string): string => `${LEDGER_CATEGORY}-${coopId}`;

export interface LoggedLedgerEvent {
  position: number;
  stream: string;
  recordedAt: string;
  event: LedgerEvent;
}

const LEDGER_EVENT_TYPES: ReadonlySet<string> = new Set<StoredLedgerEvent['type']>([
  'ChartConfigured',
  'EntryPosted',
  'EntryReversed',
  'PeriodClosed',
]);

interface Row {
  position: number;
  stream: string;
  recorded_at: string;
  body: string;
}

/**
 * The ledger events of a store file in log order, read straight from its `events` table (the
 * same canonical JSON the seal chain covers): no service code, no projection, the events alone.
 */
export function* ledgerLog(
  db: Database.Database,
  options: { coopId?: string; throughPosition?: number } = {},
): Generator<LoggedLedgerEvent> {
  const through = options.throughPosition ?? Number.MAX_SAFE_INTEGER;
  const rows =
    options.coopId === undefined
      ? db
          .prepare<[string, number], Row>(
            'SELECT position, stream, recorded_at, body FROM events WHERE category = ? AND position <= ? ORDER BY position',
          )
          .iterate(LEDGER_CATEGORY, through)
      : db
          .prepare<[string, number], Row>(
            'SELECT position, stream, recorded_at, body FROM events WHERE stream = ? AND position <= ? ORDER BY revision',
          )
          .iterate(ledgerStreamOf(options.coopId), through);
  for (const row of rows) {
    const stored = JSON.parse(row.body) as { type: string; data: unknown };
    if (!LEDGER_EVENT_TYPES.has(stored.type)) continue;
    yield {
      position: row.position,
      stream: row.stream,
      recordedAt: row.recorded_at,
      event: decodeLedgerEvent({ type: stored.type, data: stored.data } as StoredLedgerEvent),
    };
  }
}
