import { InvalidArgumentError, type Command } from 'commander';
import type { ReplayAsOf } from '@kopfed/audit';
import type * as Replay from './replay';

// Loaded when the command runs (see CommandModule), or when it parses --as-of.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const work = (): typeof Replay => require('./replay') as typeof Replay;

const COOP_ID = /^[A-Za-z0-9_-]{1,64}$/;

function asOfArgument(text: string): ReplayAsOf {
  try {
    return work().parseAsOf(text);
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
    .action((options: Replay.ReplayOptions) => work().replay(options));

  audit
    .command('export')
    .description(
      'Write a coop’s audit package for a financial year: journal, trial balance, balance sheet, SHU statement (CSV and JSON), checkpoints and their signatures, manifest',
    )
    .requiredOption('--coop <id>', 'the coop', coopArgument)
    .requiredOption('--year <yyyy>', 'the financial year', yearArgument)
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .option('--out <dir>', 'where to write it (default: ./audit-<coop>-<year>)')
    .action((options: Replay.ExportOptions) => work().exportPackage(options));
}
