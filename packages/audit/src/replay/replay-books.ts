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
import { startWorkerTask } from '../threads/worker-tasks';
import { inFileSnapshot } from '../verify/store-files';

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
  /** Whether a whole store may be summed on two threads; `auto` by default (see sumLog). */
  split?: 'auto' | 'always' | 'never';
}

type Turnovers = Map<string, { account: string; currency: string; debit: bigint; credit: bigint }>;

type ChartData = Extract<LedgerEvent, { type: 'ChartConfigured' }>['data'];

/** What a replay sums for one coop from the part of the log it read. */
interface CoopSums {
  /** The last chart configured (the as-of taking it), built into a Chart at the end. */
  chart: Pick<ChartData, 'accounts' | 'roles'> | null;
  entries: number;
  closedThrough: string | null;
  /** Every posting the as-of takes. */
  all: Turnovers;
  /** Postings dated in the as-of's financial year up to its date, year-end closing left out. */
  year: Turnovers;
}

interface LedgerSums {
  /** Ledger events read, whether or not the as-of took them. */
  eventsRead: number;
  coops: Map<string, CoopSums>;
}

/** What the worker is asked to sum: the ledger events after `after` through `through`. */
export interface ReplayPartOrder {
  file: string;
  after: number;
  through: number;
  asOf: ReplayAsOf;
}

const PROGRESS_EVERY = 50_000;
/** Below this many events the whole log is summed on one thread: a worker costs ~0.5 s. */
const SPLIT_FROM_EVENTS = 100_000;
/** The share of a split log this thread sums (the worker starts half a second late). */
const OWN_SHARE = 0.52;

/**
 * Rebuilds every coop's books (or one coop's) from a store's ledger events alone, as of a
 * business date or an instant: trial balance, balance sheet and SHU statement. Memory is
 * bounded by the charts (turnovers per account and currency), not by the number of events,
 * and the output depends on the events only, so replaying the same history gives the same
 * books byte for byte.
 *
 * A whole store of SPLIT_FROM_EVENTS events or more is summed on two threads: the later part
 * of the log by a worker with its own connection, up to the same head. Turnovers add up and
 * the later part's chart and closed period win, so the two sums merge into the one-thread
 * sums exactly, in the same order. If the worker fails, this thread sums its part too.
 */
export async function replayBooks(
  db: Database.Database,
  store: string,
  options: ReplayOptions,
): Promise<BooksReplay> {
  const { asOf } = options;
  db.exec('BEGIN');
  try {
    const through =
      db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(true).get() ?? 0;
    const sums = await sumLog(db, through, options);
    options.onProgress?.(through, through);
    const yearStart = yearStartOf(asOf);
    const books: CoopBooksReplay[] = [];
    for (const id of [...sums.coops.keys()].sort()) {
      const coop = sums.coops.get(id)!;
      if (coop.chart === null) continue;
      const chart = chartOf(coop.chart.accounts, coop.chart.roles);
      const trial = trialBalance([summaryEntry(id, coop.all, asOf.businessDate)], chart);
      books.push({
        coopId: id,
        entries: coop.entries,
        closedThrough: coop.closedThrough,
        trialBalance: trial,
        balanceSheet: balanceSheet(trial, chart),
        shuStatement: shuStatement([summaryEntry(id, coop.year, asOf.businessDate)], chart, {
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
      eventsRead: sums.eventsRead,
      checkpoint: latestCheckpoint(db, store),
      coops: books,
    };
  } finally {
    db.exec('COMMIT');
  }
}

async function sumLog(
  db: Database.Database,
  through: number,
  options: ReplayOptions,
): Promise<LedgerSums> {
  const { asOf, coopId, onProgress } = options;
  const split =
    coopId === undefined &&
    options.split !== 'never' &&
    (options.split === 'always' || through >= SPLIT_FROM_EVENTS)
      ? Math.floor(through * OWN_SHARE)
      : through;
  const later =
    split < through
      ? startWorkerTask<LedgerSums>({
          kind: 'replay-part',
          order: { file: db.name, after: split, through, asOf },
        })
      : undefined;
  if (!later)
    return sumLedger(db, { after: 0, through, asOf, coopId }, (done) =>
      onProgress?.(done, through),
    );
  let own = 0;
  let theirs = 0;
  later.onProgress = (done) => {
    theirs = Math.max(0, done - split);
    onProgress?.(own + theirs, through);
  };
  try {
    const first = sumLedger(db, { after: 0, through: split, asOf }, (done) => {
      own = done;
      onProgress?.(own + theirs, through);
    });
    const second =
      (await later.outcome) ?? sumLedger(db, { after: split, through, asOf }, undefined);
    return mergeSums(first, second);
  } finally {
    await later.stop();
  }
}

/** Sums the later part of a split log (on the worker thread, see threads/audit-worker.ts). */
export async function replayPart(
  order: ReplayPartOrder,
  onProgress: (done: number) => void,
): Promise<LedgerSums> {
  return inFileSnapshot(order.file, async (db) =>
    sumLedger(db, { after: order.after, through: order.through, asOf: order.asOf }, onProgress),
  );
}

/** The sums of the events after `after` through `through` (one coop's, or all). */
function sumLedger(
  db: Database.Database,
  part: { after: number; through: number; asOf: ReplayAsOf; coopId?: string | undefined },
  onProgress: ((position: number) => void) | undefined,
): LedgerSums {
  const { asOf } = part;
  const yearStart = yearStartOf(asOf);
  const coops = new Map<string, CoopSums>();
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
    ...(part.coopId === undefined ? {} : { coopId: part.coopId }),
    afterPosition: part.after,
    throughPosition: part.through,
  })) {
    eventsRead++;
    if (eventsRead % PROGRESS_EVERY === 0) onProgress?.(position);
    const kind = type as StoredLedgerEvent['type'];
    switch (kind) {
      case 'ChartConfigured': {
        if (!recordedBy(recordedAt)) break;
        const event = decodeLedgerEvent({ type: kind, data: dataOf(body) } as StoredLedgerEvent);
        const { data } = event as Extract<LedgerEvent, { type: 'ChartConfigured' }>;
        coopOf(data.coopId).chart = { accounts: data.accounts, roles: data.roles };
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
  return { eventsRead, coops };
}

/** The sums of a log's first part followed by its second: the sums of the whole, in order. */
function mergeSums(first: LedgerSums, second: LedgerSums): LedgerSums {
  for (const [id, later] of second.coops) {
    const coop = first.coops.get(id);
    if (!coop) {
      first.coops.set(id, later);
      continue;
    }
    coop.chart = later.chart ?? coop.chart;
    coop.closedThrough = later.closedThrough ?? coop.closedThrough;
    coop.entries += later.entries;
    addTurnovers(coop.all, later.all);
    addTurnovers(coop.year, later.year);
  }
  return { eventsRead: first.eventsRead + second.eventsRead, coops: first.coops };
}

function addTurnovers(into: Turnovers, more: Turnovers): void {
  for (const [key, row] of more) {
    const known = into.get(key);
    if (!known) into.set(key, row);
    else {
      known.debit += row.debit;
      known.credit += row.credit;
    }
  }
}

const yearStartOf = (asOf: ReplayAsOf) => `${asOf.businessDate.slice(0, 4)}-01-01`;

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
