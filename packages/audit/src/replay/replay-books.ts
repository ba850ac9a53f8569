import type Database from 'better-sqlite3';
import { unreachable } from '@kopfed/domain';
import { money } from '@kopfed/money';
import {
  accountCode,
  balanceSheet,
  chartOf,
  coopId as toCoopId,
  credit,
  debit,
  decodeLedgerEvent,
  entryId,
  shuStatement,
  trialBalance,
  YEAR_END_CLOSING,
  type BalanceSheet,
  type Chart,
  type JournalEntry,
  type JournalLine,
  type LedgerEvent,
  type ShuStatement,
  type StoredLedgerEvent,
  type TrialBalance,
} from '@kopfed/ledger';
import { AUDIT_STREAMS, CheckpointEventData } from '../checkpoints/checkpoint';
import type { ReplayAsOf } from './as-of';
import { emptyScannedEntry, type ScannedEntry } from './entry-scan';
import { dataOf, ledgerRows, readEntry } from './ledger-log';

export const REPLAY_FORMAT = 'kopfed-replay-v1';

/** The signed checkpoint a replay's books stand on: the latest one within what was read. */
export interface ReplayCheckpoint {
  sequence: number;
  lastPosition: number;
  merkleRoot: string;
  signedAt: string;
  keyId: string;
}

export interface CoopBooksReplay {
  coopId: string;
  entries: number;
  closedThrough: string | null;
  trialBalance: TrialBalance;
  balanceSheet: BalanceSheet;
  shuStatement: ShuStatement;
}

export interface BooksReplay {
  format: typeof REPLAY_FORMAT;
  store: string;
  asOf: ReplayAsOf;
  /** The log was read through this position (its head when the replay began). */
  throughPosition: number;
  /** Ledger events read, whether or not the as-of took them. */
  eventsRead: number;
  checkpoint: ReplayCheckpoint | null;
  coops: CoopBooksReplay[];
}

export interface ReplayOptions {
  asOf: ReplayAsOf;
  coopId?: string;
  onProgress?: (position: number, throughPosition: number) => void;
}

type Turnovers = Map<string, { account: string; currency: string; debit: bigint; credit: bigint }>;

interface CoopAccumulator {
  chart: Chart | null;
  entries: number;
  closedThrough: string | null;
  /** Every posting the as-of takes. */
  all: Turnovers;
  /** Postings dated in the as-of's financial year up to its date, year-end closing left out. */
  year: Turnovers;
}

const PROGRESS_EVERY = 50_000;

/**
 * Rebuilds every coop's books (or one coop's) from a store's ledger events alone, as of a
 * business date or an instant: trial balance, balance sheet and SHU statement. Memory is
 * bounded by the charts (turnovers per account and currency), not by the number of events,
 * and the output depends on the events only, so replaying the same history gives the same
 * books byte for byte.
 */
export function replayBooks(
  db: Database.Database,
  store: string,
  options: ReplayOptions,
): BooksReplay {
  const { asOf } = options;
  db.exec('BEGIN');
  try {
    const through =
      db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(true).get() ?? 0;
    const yearStart = `${asOf.businessDate.slice(0, 4)}-01-01`;
    const coops = new Map<string, CoopAccumulator>();
    const coopOf = (id: string) => {
      let coop = coops.get(id);
      if (!coop) {
        coop = { chart: null, entries: 0, closedThrough: null, all: new Map(), year: new Map() };
        coops.set(id, coop);
      }
      return coop;
    };
    const asOfMs = asOf.kind === 'instant' ? Date.parse(asOf.recordedAt) : Number.NaN;
    const recordedBy = (instant: string) =>
      asOf.kind === 'business-date' || Date.parse(instant) <= asOfMs;
    const takes = (entry: ScannedEntry) =>
      asOf.kind === 'instant'
        ? Date.parse(entry.recordedAt) <= asOfMs
        : entry.businessDate <= asOf.businessDate;

    let eventsRead = 0;
    const entry = emptyScannedEntry();
    for (const [position, , type, recordedAt, body] of ledgerRows(db, {
      ...(options.coopId === undefined ? {} : { coopId: options.coopId }),
      throughPosition: through,
    })) {
      eventsRead++;
      if (eventsRead % PROGRESS_EVERY === 0) options.onProgress?.(position, through);
      const kind = type as StoredLedgerEvent['type'];
      switch (kind) {
        case 'ChartConfigured': {
          if (!recordedBy(recordedAt)) break;
          const event = decodeLedgerEvent({ type: kind, data: dataOf(body) } as StoredLedgerEvent);
          const { data } = event as Extract<LedgerEvent, { type: 'ChartConfigured' }>;
          coopOf(data.coopId).chart = chartOf(data.accounts, data.roles);
          break;
        }
        case 'PeriodClosed': {
          if (!recordedBy(recordedAt)) break;
          const data = dataOf(body) as Extract<StoredLedgerEvent, { type: 'PeriodClosed' }>['data'];
          coopOf(data.coopId).closedThrough = data.closedThrough;
          break;
        }
        case 'EntryPosted':
        case 'EntryReversed': {
          // The hot path: the entry's text scanned straight into turnovers (entry-scan.ts).
          readEntry(body, kind, entry);
          if (!takes(entry)) break;
          const coop = coopOf(entry.coopId);
          coop.entries++;
          addLines(coop.all, entry);
          if (
            entry.businessDate >= yearStart &&
            entry.businessDate <= asOf.businessDate &&
            entry.sourceType !== YEAR_END_CLOSING
          )
            addLines(coop.year, entry);
          break;
        }
        default:
          unreachable(kind, 'ledger event type');
      }
    }
    options.onProgress?.(through, through);

    const books: CoopBooksReplay[] = [];
    for (const id of [...coops.keys()].sort()) {
      const coop = coops.get(id)!;
      if (coop.chart === null) continue;
      const trial = trialBalance([summaryEntry(id, coop.all, asOf.businessDate)], coop.chart);
      books.push({
        coopId: id,
        entries: coop.entries,
        closedThrough: coop.closedThrough,
        trialBalance: trial,
        balanceSheet: balanceSheet(trial, coop.chart),
        shuStatement: shuStatement([summaryEntry(id, coop.year, asOf.businessDate)], coop.chart, {
          from: yearStart,
          to: asOf.businessDate,
        }),
      });
    }
    return {
      format: REPLAY_FORMAT,
      store,
      asOf,
      throughPosition: through,
      eventsRead,
      checkpoint: latestCheckpoint(db, store),
      coops: books,
    };
  } finally {
    db.exec('COMMIT');
  }
}

function addLines(turnovers: Turnovers, entry: ScannedEntry): void {
  if (entry.lineWithoutAmount !== null)
    throw new Error(`a ledger line of ${entry.lineWithoutAmount} has no amount`);
  for (let n = 0; n < entry.lineCount; n++) {
    const account = entry.accounts[n]!;
    const currency = entry.currencies[n]!;
    const key = `${account} ${currency}`;
    let row = turnovers.get(key);
    if (!row) {
      row = { account, currency, debit: 0n, credit: 0n };
      turnovers.set(key, row);
    }
    if (entry.debits[n]) row.debit += BigInt(entry.amounts[n]!);
    else row.credit += BigInt(entry.amounts[n]!);
  }
}

/**
 * The turnovers as one entry: a trial balance depends on each account's debit and credit
 * turnover only, so the books of this one entry are the books of all the entries it sums.
 */
function summaryEntry(coopId: string, turnovers: Turnovers, businessDate: string): JournalEntry {
  const lines: JournalLine[] = [];
  for (const row of turnovers.values()) {
    const account = accountCode(row.account);
    if (row.debit > 0n) lines.push(debit(account, money(row.debit, row.currency)));
    if (row.credit > 0n) lines.push(credit(account, money(row.credit, row.currency)));
  }
  return {
    entryId: entryId('replay'),
    coopId: toCoopId(coopId),
    businessDate,
    recordedAt: `${businessDate}T00:00:00.000Z`,
    description: 'replayed turnovers',
    lines,
    source: { eventId: 'replay', type: 'Replay' },
  };
}

function latestCheckpoint(db: Database.Database, store: string): ReplayCheckpoint | null {
  const body = db
    .prepare<[string], string>(
      'SELECT body FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
    )
    .pluck(true)
    .get(AUDIT_STREAMS.checkpoints(store));
  if (body === undefined) return null;
  const parsed = CheckpointEventData.safeParse((JSON.parse(body) as { data?: unknown }).data);
  if (!parsed.success) return null;
  const { statement, signature } = parsed.data;
  return {
    sequence: statement.sequence,
    lastPosition: statement.lastPosition,
    merkleRoot: statement.merkleRoot,
    signedAt: statement.signedAt,
    keyId: signature.keyId,
  };
}
