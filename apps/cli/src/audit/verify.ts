import {
  CheckpointExport,
  describeFinding,
  verifyDataDir,
  type DataDirVerification,
} from '@kopfed/audit';
import { ProgressLine } from '../progress-line';
import { dataDirOf, failed, print, printJson, readJsonFileAs } from './options';

export interface VerifyOptions {
  dataDir?: string;
  trusted: string[];
  json?: boolean;
}

/** `kopfed audit verify`: every store re-hashed and its seal chain checked; exit 1 if altered. */
export async function verify(options: VerifyOptions): Promise<void> {
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
  if (result.stores.length === 0) failed(`no event stores in ${result.dataDir}: nothing verified`);
  if (options.json) printJson(result);
  else report(result);
  if (!result.intact) failed('verify found the history altered');
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
