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

/** position, stream, type, recorded_at, body */
type Row = [number, string, string, string, string];

/**
 * The `data` of a canonical event text, parsed alone: it sits between `,"data":` and
 * `,"metadata":` (see canonicalEventText), and neither can occur unescaped inside a JSON
 * string, so the first and the last occurrence are the fields themselves. Parsing a third of
 * the text is what lets a replay keep up with the log; a body not in canonical form is
 * parsed whole.
 */
function dataOf(body: string): unknown {
  const start = body.indexOf(',"data":');
  const end = body.lastIndexOf(',"metadata":');
  if (start > 0 && end > start) return JSON.parse(body.slice(start + 8, end));
  return (JSON.parse(body) as { data: unknown }).data;
}

export interface StoredLedgerLogEvent {
  position: number;
  stream: string;
  recordedAt: string;
  event: StoredLedgerEvent;
}

/**
 * The ledger events of a store file in log order, read straight from its `events` table (the
 * same canonical JSON the seal chain covers), as stored: no service code, no projection, the
 * events alone. Rows are read as arrays, the cheapest way out of better-sqlite3.
 */
export function* storedLedgerLog(
  db: Database.Database,
  options: { coopId?: string; throughPosition?: number } = {},
): Generator<StoredLedgerLogEvent> {
  const through = options.throughPosition ?? Number.MAX_SAFE_INTEGER;
  const statement =
    options.coopId === undefined
      ? db.prepare<[string, number], Row>(
          'SELECT position, stream, type, recorded_at, body FROM events WHERE category = ? AND position <= ? ORDER BY position',
        )
      : db.prepare<[string, number], Row>(
          'SELECT position, stream, type, recorded_at, body FROM events WHERE stream = ? AND position <= ? ORDER BY revision',
        );
  const key = options.coopId === undefined ? LEDGER_CATEGORY : ledgerStreamOf(options.coopId);
  for (const [position, stream, type, recordedAt, body] of statement
    .raw(true)
    .iterate(key, through)) {
    if (!LEDGER_EVENT_TYPES.has(type)) continue;
    yield {
      position,
      stream,
      recordedAt,
      event: { type, data: dataOf(body) } as StoredLedgerEvent,
    };
  }
}

/** The same, decoded into the ledger's domain events (branded ids, bigint money). */
export function* ledgerLog(
  db: Database.Database,
  options: { coopId?: string; throughPosition?: number } = {},
): Generator<LoggedLedgerEvent> {
  for (const { event, ...at } of storedLedgerLog(db, options))
    yield {
      ...at,
      event: decodeLedgerEvent({ type: event.type, data: event.data } as StoredLedgerEvent),
    };
}
