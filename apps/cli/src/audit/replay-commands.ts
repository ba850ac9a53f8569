import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import {
  auditPackage,
  balanceSheetCsv,
  BOOKS_STORE,
  booksJson,
  openReadOnly,
  parseAsOf,
  replayBooks,
  shuStatementCsv,
  trialBalanceCsv,
  type BooksReplay,
  type ReplayAsOf,
} from '@kopfed/audit';
import { ProgressLine } from '../progress-line';
import { dataDirOf, print } from './options';
import { writeReportFiles } from './report-files';

const COOP_ID = /^[A-Za-z0-9_-]{1,64}$/;

function asOfArgument(text: string): ReplayAsOf {
  try {
    return parseAsOf(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function coopArgument(text: string): string {
  if (!COOP_ID.test(text))
    throw new InvalidArgumentError('a coop id is 1 to 64 of A-Z a-z 0-9 _ -');
  return text;
}

function yearArgument(text: string): number {
  if (!/^\d{4}$/.test(text)) throw new InvalidArgumentError('a financial year is YYYY');
  return Number(text);
}

const rupiah = (minor: bigint) => minor.toLocaleString('en');

export function registerReplayCommands(audit: Command): void {
  audit
    .command('replay')
    .description(
      'Rebuild the books from the ledger events alone, as of a business date or an instant: trial balance, balance sheet and SHU statement',
    )
    .requiredOption(
      '--as-of <when>',
      'a business date YYYY-MM-DD (Asia/Jakarta) or a UTC instant 2026-12-31T16:59:59Z',
      asOfArgument,
    )
    .option('--coop <id>', 'one coop only', coopArgument)
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .option('--json', 'print the books as JSON')
    .option('--out <dir>', 'also write replay.json and each coop’s statements as CSV there')
    .action(
      async (options: {
        asOf: ReplayAsOf;
        coop?: string;
        dataDir?: string;
        json?: boolean;
        out?: string;
      }) => {
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
      },
    );

  audit
    .command('export')
    .description(
      'Write a coop’s audit package for a financial year: journal, trial balance, balance sheet, SHU statement (CSV and JSON), checkpoints and their signatures, manifest',
    )
    .requiredOption('--coop <id>', 'the coop', coopArgument)
    .requiredOption('--year <yyyy>', 'the financial year', yearArgument)
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .option('--out <dir>', 'where to write it (default: ./audit-<coop>-<year>)')
    .action(async (options: { coop: string; year: number; dataDir?: string; out?: string }) => {
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
    });
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
