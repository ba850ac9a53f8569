import type { Command } from 'commander';
import {
  CheckpointExport,
  describeFinding,
  verifyDataDir,
  type DataDirVerification,
} from '@kopfed/audit';
import { ProgressLine } from '../progress-line';
import { dataDirOf, failed, print, printJson, readJsonFileAs } from './options';

interface VerifyOptions {
  dataDir?: string;
  trusted: string[];
  json?: boolean;
}

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
    .action(async (options: VerifyOptions) => {
      const trusted = options.trusted.map((file) =>
        readJsonFileAs(file, 'a checkpoint export (kopfed audit checkpoints)', CheckpointExport),
      );
      const progress = new ProgressLine();
      let result: DataDirVerification;
      try {
        result = await verifyDataDir(dataDirOf(options), {
          trusted,
          onProgress: (store, done, total) => progress.update(`verify ${store}`, done, total),
        });
      } finally {
        progress.finish();
      }
      // An empty or mistyped directory verifies nothing: that is no reason to say "intact".
      if (result.stores.length === 0)
        failed(`no event stores in ${result.dataDir}: nothing verified`);
      if (options.json) printJson(result);
      else report(result);
      if (!result.intact) failed('verify found the history altered');
    });
}

function report(result: DataDirVerification): void {
  const width = Math.max(0, ...result.stores.map((s) => s.store.length)) + 3;
  for (const s of result.stores) {
    const name = `${s.store}.db`.padEnd(width);
    if (s.intact) {
      print(
        `${name} intact    ${s.events.toLocaleString('en')} events, ${s.batches.toLocaleString('en')} batches, ${s.checkpoints} checkpoints, ${s.countersignatures} countersignatures`,
      );
    } else {
      print(`${name} TAMPERED  ${describeFinding(s.first!)}`);
      if (s.findingCount > 1)
        print(
          `${' '.repeat(width)}          (${s.findingCount - 1} more findings; --json lists them)`,
        );
    }
    for (const note of s.notes) print(`${' '.repeat(width)}          note: ${note}`);
  }
  print(result.intact ? 'intact' : 'TAMPERED');
}
