import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface WriteWholeOptions {
  mode?: number;
  /** Never replace an existing file (a key): fails with EEXIST if `path` is there. */
  exclusive?: boolean;
}

/** A hard link the filesystem does not make (FAT, exFAT, some network filesystems). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
/** A directory the user may not create a file in, beside one they may write. */
const NO_NEW_FILE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Writes `path` whole or not at all: the content goes to a temporary file beside it, flushed
 * to disk, then renamed over it. A full disk or a crash leaves the earlier file as it was.
 * With `exclusive`, an existing file is never replaced: the file is linked into place, which
 * fails if `path` exists by then; where the filesystem has no hard links, it is created
 * exclusively (`wx`) and flushed instead.
 *
 * A terminal, /dev/stdout or a pipe is no file to replace: it is written directly. So is an
 * existing file whose directory takes no new file (no temporary can go beside it), which
 * loses the all-or-nothing of the rename but not the write.
 */
export function writeFileWhole(path: string, content: string, options: WriteWholeOptions = {}) {
  const existing = fs.statSync(path, { throwIfNoEntry: false });
  if (existing && writeInPlace(path, existing, content)) return;
  if (existing && !existing.isFile()) throw new Error(`${path}: not a file to write`);
  if (existing && options.exclusive)
    throw Object.assign(new Error(`EEXIST: ${path} exists, not replacing it`), {
      code: 'EEXIST',
    });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  // A file left by a crashed run of the same pid would keep its mode: start afresh.
  fs.rmSync(temporary, { force: true });
  try {
    try {
      fs.writeFileSync(temporary, content, { flush: true, mode: options.mode ?? 0o666 });
    } catch (error) {
      if (!NO_NEW_FILE.has(codeOf(error))) throw error;
      if (options.exclusive) createExclusive(path, content, options.mode ?? 0o666);
      else if (existing) fs.writeFileSync(path, content, { flush: true });
      else throw error;
      return;
    }
    if (!options.exclusive) fs.renameSync(temporary, path);
    else {
      try {
        fs.linkSync(temporary, path);
      } catch (error) {
        if (!NO_LINKS.has(codeOf(error))) throw error;
        createExclusive(path, content, options.mode ?? 0o666);
      }
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');

/** Whether `path` is a SQLite database (an event store, the audit store): no report replaces one. */
export function isSqliteFile(path: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    return read === head.length && head.equals(SQLITE_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether `path` is written to where it is (a stream), never replaced: see writeFileWhole. */
export function isStreamPath(path: string): boolean {
  const stats = fs.statSync(path, { throwIfNoEntry: false });
  return stats !== undefined && (stdioOf(stats) !== undefined || isStream(stats));
}

function writeInPlace(path: string, stats: fs.Stats, content: string): boolean {
  // The process's own stdout or stderr, whatever it is (a socket cannot be opened by path).
  const stdio = stdioOf(stats);
  if (stdio) stdio.write(content);
  else if (isStream(stats)) fs.writeFileSync(path, content);
  else return false;
  return true;
}

/** A terminal, /dev/null or a pipe. */
function isStream(stats: fs.Stats): boolean {
  return stats.isCharacterDevice() || stats.isFIFO();
}

function stdioOf(stats: fs.Stats): NodeJS.WriteStream | undefined {
  for (const [fd, stream] of [
    [1, process.stdout],
    [2, process.stderr],
  ] as const) {
    let open: fs.Stats;
    try {
      open = fs.fstatSync(fd);
    } catch {
      continue;
    }
    if (open.dev === stats.dev && open.ino === stats.ino) return stream;
  }
  return undefined;
}

/**
 * Creates `path`, failing if it exists, and flushes it; a write that fails midway removes
 * the file it created, so no key is left cut short.
 */
function createExclusive(path: string, content: string, mode: number): void {
  const fd = fs.openSync(path, 'wx', mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(path, { force: true });
    throw error;
  }
  fs.closeSync(fd);
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? '';
}

/**
 * Writes a report's files into `dir`, each whole, with `index` (the manifest, or the file
 * that lists the others) removed first and written last: a folder holding the index holds
 * every file it lists as written by the same run, whatever stopped an earlier run midway.
 * Files named like the report's own (`ownNames`) that this run does not write are an
 * earlier run's, of another as-of or coop: they are removed once the index is; any other
 * file is left alone.
 */
export function writeReportFiles(
  dir: string,
  files: ReadonlyMap<string, string>,
  index: string,
  ownNames?: RegExp,
): void {
  const last = files.get(index);
  if (last === undefined) throw new Error(`a report without its ${index}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(join(dir, index), { force: true });
  if (ownNames) {
    for (const name of fs.readdirSync(dir))
      if (ownNames.test(name) && !files.has(name)) fs.rmSync(join(dir, name), { force: true });
  }
  for (const [name, content] of files) if (name !== index) writeFileWhole(join(dir, name), content);
  writeFileWhole(join(dir, index), last);
}
