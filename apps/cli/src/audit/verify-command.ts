import type { Command } from 'commander';
import type * as Verify from './verify';

// Loaded when the command runs (see CommandModule).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const work = (): typeof Verify => require('./verify') as typeof Verify;

export function registerVerify(audit: Command): void {
  audit
    .command('verify')
    .description(
      'Re-hash every batch of every SQLite store and check the seal chain, positions, revisions, Merkle roots and signatures; exit 1 naming the first event altered, removed, inserted or reordered',
    )
    .option('--data-dir <dir>', 'the node’s data directory (default: KOPFED_DATA_DIR or ./data)')
    .option(
      '--trusted <file>',
      'a checkpoint export kept outside the node (kopfed audit checkpoints); repeatable',
      (file: string, files: string[]) => [...files, file],
      [],
    )
    .option('--json', 'print the full result as JSON')
    .action((options: Verify.VerifyOptions) => work().verify(options));
}
