import { spawn } from 'node:child_process';
import fs, { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommanderError } from 'commander';
import { copyDataDir, withStoreFile } from '@kopfed/audit/src/testing';
import { buildProgram } from '../program';
import { busyDataDir } from '../audit/testing/busy-node';
import { auditCommands } from './audit';

const dirs: string[] = [];
let dataDir: string;

async function kopfed(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
  try {
    await buildProgram([auditCommands]).parseAsync(['node', 'kopfed', ...args]);
    return { code: 0, out };
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode, out };
    throw error;
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-node-'));
  dirs.push(dataDir);
  await busyDataDir(dataDir);
}, 60_000);
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('kopfed audit rebuild-check over a node with activity in every service', () => {
  it('drops, rebuilds and compares every projection of every service: all identical', async () => {
    const { code, out } = await kopfed('audit', 'rebuild-check', '--data-dir', dataDir);
    expect(out).toMatch(/member: member-directory-v1 +identical/);
    expect(out).toMatch(
      /savings: savings-accounts-v\d+ +identical 12 rows in savings_accounts, savings_holds, savings_interest_months, savings_statement_lines, savings_wajib_months/,
    );
    expect(out).toMatch(
      /loan: loan-book-v2 +identical 10 rows in loan_book, loan_book_detail, loan_products/,
    );
    expect(out).toMatch(
      /settlement: settlement-clearing +identical \d+ rows in settlement_clearing_snapshot, settlement_group_legs, settlement_transfer_streams, settlement_batches/,
    );
    expect(out).toMatch(/\nidentical\n$/);
    expect(code).toBe(0);
  }, 60_000);

  it.each([
    [
      // The accounts read model has a file of its own, beside savings.db.
      'savings-accounts',
      'UPDATE savings_accounts SET balance = balance + 1 WHERE account_id = (SELECT min(account_id) FROM savings_accounts)',
      /savings: savings-accounts-v\d+ +DIFFERS/,
    ],
    [
      'loan',
      'DELETE FROM loan_book WHERE loan_id = (SELECT min(loan_id) FROM loan_book)',
      /loan: loan-book-v2 +DIFFERS/,
    ],
    [
      'settlement',
      "UPDATE settlement_batches SET status = 'settled'",
      /settlement: settlement-clearing +DIFFERS/,
    ],
    [
      'settlement',
      'DELETE FROM settlement_transfer_streams WHERE transfer_id = (SELECT min(transfer_id) FROM settlement_transfer_streams)',
      /settlement: settlement-clearing +DIFFERS/,
    ],
  ])(
    'names the projection whose row in %s.db was tampered with, and exits 1',
    async (file, sql, line) => {
      const copy = copyDataDir(dataDir);
      dirs.push(copy);
      withStoreFile(join(copy, `${file}.db`), (db) => {
        expect(db.prepare(sql).run().changes).toBe(1);
      });
      const { code, out } = await kopfed('audit', 'rebuild-check', '--data-dir', copy);
      expect(out).toMatch(line);
      expect(out).toMatch(/\nDIFFERS\n$/);
      expect(code).toBe(1);
    },
    60_000,
  );
});

describe('kopfed audit rebuild-check while the node opens and closes its files', () => {
  it('passes over a file that is gone by the time it is looked at (a -wal deleted at a close)', async () => {
    const live = copyDataDir(dataDir);
    dirs.push(live);
    const readdir = fs.readdirSync;
    const spy = jest
      .spyOn(fs, 'readdirSync')
      .mockImplementation(((path: fs.PathLike, options?: undefined) =>
        path === live
          ? [...readdir(path), 'savings.db-wal', 'savings.db-shm', 'internal-link.key.tmp']
          : readdir(path, options)) as typeof fs.readdirSync);
    try {
      const { code, out } = await kopfed('audit', 'rebuild-check', '--data-dir', live);
      expect(out).toMatch(/\nidentical\n$/);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
  }, 60_000);
});

describe('kopfed audit rebuild-check interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'leaves no copy of the data, person keys included, behind on %s',
    async (signal) => {
      const temporary = mkdtempSync(join(tmpdir(), 'kopfed-rebuild-tmp-'));
      dirs.push(temporary);
      // tsx keeps its cache there too.
      const copies = () => readdirSync(temporary).filter((entry) => entry.startsWith('kopfed-'));
      const child = spawn(
        process.execPath,
        [
          resolve(__dirname, '../../bin/kopfed.js'),
          'audit',
          'rebuild-check',
          '--data-dir',
          dataDir,
        ],
        { env: { ...process.env, TMPDIR: temporary }, stdio: 'ignore' },
      );
      const exited = new Promise<NodeJS.Signals | null>((done) =>
        child.on('close', (_code, by) => done(by)),
      );
      // Interrupted while the copy exists (it lives as long as the check runs).
      const interrupt = setInterval(() => {
        if (copies().length > 0) child.kill(signal);
      }, 2);
      try {
        expect(await exited).toBe(signal);
      } finally {
        clearInterval(interrupt);
      }
      expect(copies()).toEqual([]);
    },
    60_000,
  );
});
