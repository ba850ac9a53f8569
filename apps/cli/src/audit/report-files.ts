import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `path` whole or not at all: the content goes to a temporary file beside it, flushed
 * to disk, then renamed over it. A full disk or a crash leaves the earlier file as it was.
 * With `exclusive`, an existing file is never replaced: the file is linked into place, which
 * fails if `path` exists by then.
 */
export function writeFileWhole(
  path: string,
  content: string,
  options: { mode?: number; exclusive?: boolean } = {},
): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  // A file left by a crashed run of the same pid would keep its mode: start afresh.
  rmSync(temporary, { force: true });
  try {
    writeFileSync(temporary, content, { flush: true, mode: options.mode ?? 0o666 });
    if (options.exclusive) linkSync(temporary, path);
    else renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Writes a report's files into `dir`, each whole, with `index` (the manifest, or the file
 * that lists the others) removed first and written last: a folder holding the index holds
 * every file it lists as written by the same run, whatever stopped an earlier run midway.
 */
export function writeReportFiles(
  dir: string,
  files: ReadonlyMap<string, string>,
  index: string,
): void {
  const last = files.get(index);
  if (last === undefined) throw new Error(`a report without its ${index}`);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, index), { force: true });
  for (const [name, content] of files) if (name !== index) writeFileWhole(join(dir, name), content);
  writeFileWhole(join(dir, index), last);
}
