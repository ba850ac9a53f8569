import type Database from 'better-sqlite3';
import { decodeLedgerEvent, type LedgerEvent, type StoredLedgerEvent } from '@kopfed/ledger';
import { scanEntryData, type ScannedEntry } from './entry-scan';

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
export type LedgerRow = [
  position: number,
  stream: string,
  type: string,
  recordedAt: string,
  body: string,
];

/**
 * The `data` of a canonical event text, parsed alone: it sits between `,"data":` and
 * `,"metadata":` (see canonicalEventText), and neither can occur unescaped inside a JSON
 * string, so the first and the last occurrence are the fields themselves. Parsing a third of
 * the text is what lets a replay keep up with the log; a body not in canonical form is
 * parsed whole.
 */
export function dataOf(body: string): unknown {
  const text = dataTextOf(body);
  return text === undefined ? (JSON.parse(body) as { data: unknown }).data : JSON.parse(text);
}

function dataTextOf(body: string): string | undefined {
  const start = body.indexOf(',"data":');
  const end = body.lastIndexOf(',"metadata":');
  return start > 0 && end > start ? body.slice(start + 8, end) : undefined;
}

type StoredEntry = Extract<StoredLedgerEvent, { type: 'EntryPosted' }>['data']['entry'];

/**
 * The entry of an EntryPosted or EntryReversed body, into `into`: scanned (entry-scan.ts),
 * or, for a text the scan does not take, parsed whole as before.
 */
export function readEntry(
  body: string,
  type: 'EntryPosted' | 'EntryReversed',
  into: ScannedEntry,
): void {
  const key = type === 'EntryPosted' ? 'entry' : 'reversal';
  const text = dataTextOf(body);
  if (text !== undefined && scanEntryData(text, key, into)) return;
  const data = dataOf(body) as { entry?: StoredEntry; reversal?: StoredEntry };
  const entry = data[key]!;
  into.coopId = entry.coopId;
  into.businessDate = entry.businessDate;
  into.recordedAt = entry.recordedAt;
  into.sourceType = entry.source.type;
  into.lineCount = entry.lines.length;
  into.lineWithoutAmount = null;
  entry.lines.forEach((line, n) => {
    const amount = line.debit ?? line.credit;
    if (amount === undefined) into.lineWithoutAmount ??= line.account;
    into.accounts[n] = line.account;
    into.debits[n] = line.debit !== undefined;
    into.amounts[n] = amount === undefined ? '' : amount.amount;
    into.currencies[n] = amount === undefined ? '' : amount.currency;
  });
}

/**
 * The rows of a store's ledger events in log order (by revision for one coop's stream),
 * after `afterPosition` through `throughPosition`, as arrays: the cheapest way out of
 * better-sqlite3.
 */
export function* ledgerRows(
  db: Database.Database,
  options: { coopId?: string; afterPosition?: number; throughPosition?: number } = {},
): Generator<LedgerRow> {
  const after = options.afterPosition ?? 0;
  const through = options.throughPosition ?? Number.MAX_SAFE_INTEGER;
  const statement =
    options.coopId === undefined
      ? db.prepare<[string, number, number], LedgerRow>(
          'SELECT position, stream, type, recorded_at, body FROM events WHERE category = ? AND position > ? AND position <= ? ORDER BY position',
        )
      : db.prepare<[string, number, number], LedgerRow>(
          'SELECT position, stream, type, recorded_at, body FROM events WHERE stream = ? AND position > ? AND position <= ? ORDER BY revision',
        );
  const key = options.coopId === undefined ? LEDGER_CATEGORY : ledgerStreamOf(options.coopId);
  for (const row of statement.raw(true).iterate(key, after, through))
    if (LEDGER_EVENT_TYPES.has(row[2])) yield row;
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
  for (const [position, stream, type, recordedAt, body] of ledgerRows(db, options)) {
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
