import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { notFound } from '@kopfed/domain';
import { amountOf, type JournalEntry } from '@kopfed/ledger';
import {
  CHECKPOINT_EXPORT_FORMAT,
  exportStoreCheckpoints,
  type CheckpointExport,
} from '../checkpoints/checkpoint-export';
import { openReadOnly } from '../verify/store-files';
import { readAuditRecords } from '../verify/verify-data-dir';
import {
  balanceSheetCsv,
  booksJson,
  csv,
  sha256,
  shuStatementCsv,
  trialBalanceCsv,
} from './books-files';
import { ledgerLog } from './ledger-log';
import { replayBooks, type BooksReplay } from './replay-books';

/** The store that keeps the coops' ledgers in an embedded node's data directory. */
export const BOOKS_STORE = 'settlement';
export const AUDIT_PACKAGE_FORMAT = 'kopfed-audit-package-v1';

export interface AuditPackage {
  /** File name → content, in the order they are listed in the manifest. */
  files: Map<string, string>;
  replay: BooksReplay;
}

interface JournalRow {
  position: number;
  entry: JournalEntry;
}

/**
 * A coop's audit package for a financial year, rebuilt from the events alone: the year's
 * journal, the trial balance, balance sheet and SHU statement at 31 December (CSV and JSON),
 * the store's signed checkpoints with their countersignatures, and a manifest of SHA-256
 * digests. Nothing in it depends on when it is made, so exporting twice gives the same bytes.
 */
export async function auditPackage(
  dataDir: string,
  options: { coopId: string; year: number; store?: string },
): Promise<AuditPackage> {
  const store = options.store ?? BOOKS_STORE;
  const file = join(dataDir, `${store}.db`);
  if (!existsSync(file))
    throw notFound('books-not-found', `No ${store} store in this data directory: no books.`);
  const db = openReadOnly(file);
  try {
    const yearEnd = `${options.year}-12-31`;
    const replay = await replayBooks(db, store, {
      asOf: { kind: 'business-date', businessDate: yearEnd },
      coopId: options.coopId,
    });
    const books = replay.coops.find((c) => c.coopId === options.coopId);
    if (!books)
      throw notFound(
        'books-not-found',
        `Coop ${options.coopId} has no books in the ${store} store.`,
      );
    const journal: JournalRow[] = [];
    for (const { position, event } of ledgerLog(db, {
      coopId: options.coopId,
      throughPosition: replay.throughPosition,
    })) {
      if (event.type !== 'EntryPosted' && event.type !== 'EntryReversed') continue;
      const entry = event.type === 'EntryPosted' ? event.data.entry : event.data.reversal;
      if (entry.businessDate.startsWith(`${options.year}-`)) journal.push({ position, entry });
    }
    const auditFile = join(dataDir, 'audit.db');
    const records = existsSync(auditFile)
      ? readAuditRecords({ name: 'audit', file: auditFile })
      : undefined;
    const checkpoints = exportStoreCheckpoints(store, db, records);
    const exported: CheckpointExport = {
      format: CHECKPOINT_EXPORT_FORMAT,
      // The last checkpoint's signing time: the export's content, not the clock, dates it.
      exportedAt: checkpoints.at(-1)?.checkpoint.statement.signedAt ?? '1970-01-01T00:00:00.000Z',
      stores: [{ store, checkpoints }],
    };

    const files = new Map<string, string>([
      ['journal.csv', journalCsv(journal)],
      ['journal.json', booksJson(journal)],
      ['trial-balance.csv', trialBalanceCsv(books.trialBalance)],
      ['trial-balance.json', booksJson(books.trialBalance)],
      ['balance-sheet.csv', balanceSheetCsv(books.balanceSheet)],
      ['balance-sheet.json', booksJson(books.balanceSheet)],
      ['shu-statement.csv', shuStatementCsv(books.shuStatement)],
      ['shu-statement.json', booksJson(books.shuStatement)],
      ['checkpoints.json', booksJson(exported)],
    ]);
    const manifest = {
      format: AUDIT_PACKAGE_FORMAT,
      coopId: options.coopId,
      financialYear: options.year,
      store,
      asOf: yearEnd,
      throughPosition: replay.throughPosition,
      checkpoint: replay.checkpoint,
      files: [...files].map(([name, content]) => ({ name, sha256: sha256(content) })),
    };
    files.set('manifest.json', booksJson(manifest));
    return { files, replay };
  } finally {
    db.close();
  }
}

function journalCsv(rows: readonly JournalRow[]): string {
  return csv(
    [
      'position',
      'entry_id',
      'business_date',
      'recorded_at',
      'description',
      'source_type',
      'source_event_id',
      'reverses',
      'line',
      'account',
      'debit',
      'credit',
      'currency',
      'memo',
    ],
    rows.flatMap(({ position, entry }) =>
      entry.lines.map((line, index) => {
        const amount = amountOf(line);
        return [
          position,
          entry.entryId,
          entry.businessDate,
          entry.recordedAt,
          entry.description,
          entry.source.type,
          entry.source.eventId,
          entry.reverses ?? '',
          index + 1,
          line.account,
          line.debit === undefined ? '' : amount.amountMinor,
          line.credit === undefined ? '' : amount.amountMinor,
          amount.currency,
          line.memo ?? '',
        ];
      }),
    ),
  );
}
