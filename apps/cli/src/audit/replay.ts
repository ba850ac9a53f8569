import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  auditPackage,
  balanceSheetCsv,
  BOOKS_STORE,
  booksJson,
  openReadOnly,
  replayBooks,
  shuStatementCsv,
  trialBalanceCsv,
  type BooksReplay,
  type ReplayAsOf,
} from '@kopfed/audit';
import { ProgressLine } from '../progress-line';
import { dataDirOf, print } from './options';
import { writeReportFiles } from './report-files';

export { parseAsOf } from '@kopfed/audit';

export interface ReplayOptions {
  asOf: ReplayAsOf;
  coop?: string;
  dataDir?: string;
  json?: boolean;
  out?: string;
}

export interface ExportOptions {
  coop: string;
  year: number;
  dataDir?: string;
  out?: string;
}

const rupiah = (minor: bigint) => minor.toLocaleString('en');

/** `kopfed audit replay`: the books rebuilt from the ledger events alone, as of a moment. */
export async function replay(options: ReplayOptions): Promise<void> {
  const file = join(dataDirOf(options), `${BOOKS_STORE}.db`);
  if (!existsSync(file)) throw new Error(`${file}: no books here`);
  const db = openReadOnly(file);
  const progress = new ProgressLine();
  let replay: BooksReplay;
  try {
    replay = await replayBooks(db, BOOKS_STORE, {
      asOf: options.asOf,
      ...(options.coop ? { coopId: options.coop } : {}),
      onProgress: (done, total) => progress.update('replay', done, total, 'positions'),
    });
  } finally {
    progress.finish();
    db.close();
  }
  // A mistyped coop would otherwise print clean, empty books. One with a ledger in the
  // store but nothing yet as of --as-of still gets its (empty) books.
  if (options.coop !== undefined && replay.eventsRead === 0)
    throw new Error(`Coop ${options.coop} has no books in the ${BOOKS_STORE} store.`);
  if (options.out) writeReplay(resolve(options.out), replay);
  if (options.json) process.stdout.write(booksJson(replay));
  else report(replay);
}

/** `kopfed audit export`: a coop's audit package for a financial year, written to a directory. */
export async function exportPackage(options: ExportOptions): Promise<void> {
  const out = resolve(options.out ?? `audit-${options.coop}-${options.year}`);
  const { files, replay } = await auditPackage(dataDirOf(options), {
    coopId: options.coop,
    year: options.year,
  });
  writeReportFiles(out, files, 'manifest.json');
  print(
    `${files.size} files in ${out}: ${options.coop} ${options.year}, read through position ${replay.throughPosition}` +
      (replay.checkpoint
        ? `, checkpoint ${replay.checkpoint.sequence} (through ${replay.checkpoint.lastPosition})`
        : ', no checkpoint yet'),
  );
}

/** A coop's statement as writeReplay names it (a coop id is letters, digits, _ and -). */
const REPLAY_STATEMENT = /^[A-Za-z0-9_-]{1,64}\.(trial-balance|balance-sheet|shu-statement)\.csv$/;

function writeReplay(out: string, replay: BooksReplay): void {
  const files = new Map<string, string>();
  for (const coop of replay.coops) {
    files.set(`${coop.coopId}.trial-balance.csv`, trialBalanceCsv(coop.trialBalance));
    files.set(`${coop.coopId}.balance-sheet.csv`, balanceSheetCsv(coop.balanceSheet));
    files.set(`${coop.coopId}.shu-statement.csv`, shuStatementCsv(coop.shuStatement));
  }
  files.set('replay.json', booksJson(replay));
  writeReportFiles(out, files, 'replay.json', REPLAY_STATEMENT);
}

function report(replay: BooksReplay): void {
  const asOf =
    replay.asOf.kind === 'instant'
      ? `as recorded at ${replay.asOf.recordedAt}`
      : `effective ${replay.asOf.businessDate}`;
  print(
    `books ${asOf}, ${replay.eventsRead.toLocaleString('en')} ledger events through position ${replay.throughPosition}` +
      (replay.checkpoint
        ? `; checkpoint ${replay.checkpoint.sequence} signed ${replay.checkpoint.signedAt} covers through ${replay.checkpoint.lastPosition}`
        : '; no signed checkpoint yet'),
  );
  for (const coop of replay.coops) {
    const sheet = coop.balanceSheet;
    const shu = coop.shuStatement;
    print(`\n${coop.coopId}: ${coop.entries.toLocaleString('en')} entries`);
    for (const row of coop.trialBalance.rows)
      print(
        `  ${row.account.padEnd(12)} ${row.name.slice(0, 34).padEnd(34)} ${rupiah(row.debitBalanceMinor).padStart(20)} ${rupiah(row.creditBalanceMinor).padStart(20)}`,
      );
    print(
      `  neraca: assets ${rupiah(sheet.totalAssetsMinor)}, liabilities ${rupiah(sheet.totalLiabilitiesMinor)}, equity ${rupiah(sheet.totalEquityMinor)}, current result ${rupiah(sheet.currentResultMinor)}`,
    );
    print(
      `  SHU ${shu.from}..${shu.to}: income ${rupiah(shu.totalIncomeMinor)}, expenses ${rupiah(shu.totalExpenseMinor)}, result ${rupiah(shu.resultMinor)}`,
    );
  }
}
