import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileWhole } from './report-files';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kopfed-report-files-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const errno = (code: string) => Object.assign(new Error(`${code}: refused`), { code });

/** What a reader at the other end of a FIFO receives while `write` runs. */
async function readThroughFifo(fifo: string, write: () => void): Promise<string> {
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let received = '';
  reader.stdout.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const exited = new Promise((resolve) => reader.on('close', resolve));
  try {
    write();
    // A writer that never opened the FIFO leaves the reader waiting: not its answer.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    return received;
  } finally {
    reader.kill();
  }
}

describe('writeFileWhole', () => {
  it('replaces a regular file whole, leaving nothing beside it', () => {
    const out = join(dir, 'report.json');
    fs.writeFileSync(out, 'earlier\n');
    writeFileWhole(out, 'later\n');
    expect(readFileSync(out, 'utf8')).toBe('later\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('writes into a FIFO (a pipe, /dev/stdout under a shell pipeline) and leaves it a FIFO', async () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const received = await readThroughFifo(fifo, () => writeFileWhole(fifo, '{"ok":true}\n'));
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(received).toBe('{"ok":true}\n');
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  it('writes to a character device such as /dev/null in place', () => {
    expect(() => writeFileWhole('/dev/null', 'discarded\n')).not.toThrow();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('refuses a directory as the file to write', () => {
    expect(() => writeFileWhole(dir, 'x')).toThrow(/not a file/);
  });

  it('writes an existing file in place when its directory takes no new file', () => {
    const out = join(dir, 'report.json');
    fs.writeFileSync(out, 'earlier\n');
    const writeFileSync = fs.writeFileSync;
    // A directory the user may not create files in (as root, permissions do not stop it).
    jest.spyOn(fs, 'writeFileSync').mockImplementation((file, data, options) => {
      if (String(file).endsWith('.partial')) throw errno('EACCES');
      return writeFileSync(file, data, options);
    });
    writeFileWhole(out, 'later\n');
    expect(readFileSync(out, 'utf8')).toBe('later\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  describe('exclusive (keygen --out)', () => {
    it('never replaces an existing file', () => {
      const out = join(dir, 'seed');
      fs.writeFileSync(out, 'kept\n');
      expect(() => writeFileWhole(out, 'new\n', { mode: 0o600, exclusive: true })).toThrow(
        /EEXIST/,
      );
      expect(readFileSync(out, 'utf8')).toBe('kept\n');
      expect(readdirSync(dir)).toEqual(['seed']);
    });

    it.each(['EPERM', 'ENOTSUP', 'ENOSYS'])(
      'creates the file exclusively, mode 0600, where hard links fail with %s (FAT, exFAT, some network filesystems)',
      (code) => {
        jest.spyOn(fs, 'linkSync').mockImplementation(() => {
          throw errno(code);
        });
        const out = join(dir, 'seed');
        writeFileWhole(out, 'seed\n', { mode: 0o600, exclusive: true });
        expect(readFileSync(out, 'utf8')).toBe('seed\n');
        expect(statSync(out).mode & 0o777).toBe(0o600);
        expect(readdirSync(dir)).toEqual(['seed']);
        expect(() => writeFileWhole(out, 'other\n', { mode: 0o600, exclusive: true })).toThrow(
          /EEXIST/,
        );
        expect(readFileSync(out, 'utf8')).toBe('seed\n');
      },
    );
  });
});
