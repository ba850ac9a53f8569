import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from './csv-table';

// A small row limit, so that a file past it is a few lines.
jest.mock('./table', () => ({ ...jest.requireActual<object>('./table'), MAX_ROWS: 3 }));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const csvFile = (lines: readonly string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-csv-'));
  dirs.push(dir);
  const file = join(dir, 'rows.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
};

describe('reading a CSV export', () => {
  it('reads a file of as many rows as the limit, and refuses one row more instead of dropping it', () => {
    const rows = ['a,1', 'b,2', 'c,3', 'd,4'];
    expect(readCsv(csvFile(['name,n', ...rows.slice(0, 3)])).rows).toHaveLength(3);
    expect(() => readCsv(csvFile(['name,n', ...rows]))).toThrow(/more than 3 rows/);
  });
});
