import { basename, dirname, extname, join } from 'node:path';

/** Beside the input file: `members.csv` → `members.csv.kopfed-sync.json`, `members.rejected.csv`. */
export function defaultPaths(file: string): { state: string; report: string } {
  const stem = basename(file, extname(file));
  return {
    state: `${file}.kopfed-sync.json`,
    report: join(dirname(file), `${stem}.rejected.csv`),
  };
}
