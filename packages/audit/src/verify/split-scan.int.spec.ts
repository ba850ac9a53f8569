import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  alterOneByte,
  copyDataDir,
  deleteEvent,
  dropLastBatch,
  swapEvents,
  withStoreFile,
} from '../testing/tamper';
import { buildSampleStores } from '../testing/sample-stores';
import { gatherEvidence } from './checkpoint-evidence';
import { FindingLog } from './findings';
import { scanLog } from './split-scan';
import { inSnapshot, openReadOnly } from './store-files';
import { readAuditRecords, verifyDataDir } from './verify-data-dir';

let sample: string;
const copies: string[] = [];

beforeAll(async () => {
  ({ dataDir: sample } = await buildSampleStores());
});
afterAll(() => {
  for (const dir of [sample, ...copies]) rmSync(dir, { recursive: true, force: true });
});

/** The ledger store's first pass, split if it can be, with what it found. */
async function firstPass(dataDir: string) {
  const records = readAuditRecords({ name: 'audit', file: join(dataDir, 'audit.db') });
  const db = openReadOnly(join(dataDir, 'ledger.db'));
  try {
    return await inSnapshot(db, async () => {
      const findings = new FindingLog('ledger');
      const evidence = gatherEvidence(db, 'ledger', records, [], findings);
      const progress: number[] = [];
      const scan = await scanLog(
        db,
        { name: 'ledger', file: join(dataDir, 'ledger.db') },
        evidence,
        findings,
        { split: 'always', onProgress: (done) => progress.push(done) },
      );
      return { scan, findings: findings.count, progress };
    });
  } finally {
    db.close();
  }
}

/** Where the sample's ledger log is split: the end of the batch holding position 50. */
function splitPosition(dataDir: string): number {
  return withStoreFile(join(dataDir, 'ledger.db'), (db) =>
    db
      .prepare<[], number>(
        'SELECT last_position FROM batches WHERE last_position >= 50 ORDER BY batch LIMIT 1',
      )
      .pluck(true)
      .get()!,
  );
}

describe('verify split over two threads', () => {
  it('scans an intact log in two parts that meet, with the revisions walked by the worker', async () => {
    const { scan, findings, progress } = await firstPass(sample);
    expect(findings).toBe(0);
    expect(scan).toEqual({
      events: 101,
      batches: expect.any(Number),
      head: 101,
      revisionsChecked: true,
    });
    expect(scan.batches).toBeGreaterThan(1);
    // Progress counts both parts and reaches the head.
    expect(Math.max(...progress)).toBe(101);
  });

  it('says the same as one thread about an intact directory', async () => {
    const one = await verifyDataDir(sample, { split: 'never' });
    expect(one.intact).toBe(true);
    expect(await verifyDataDir(sample, { split: 'always' })).toEqual(one);
  });

  // Tampering where the two parts meet: the last event of the first part, the first of the
  // second, a gap across the split, a swap across it, a column the hashes do not cover. Each
  // sends the scan back to one thread.
  const cases: [string, (db: Database.Database, split: number) => void][] = [
    ['a changed byte at the end of the first part', (db, split) => alterOneByte(db, split)],
    ['a changed byte at the start of the second part', (db, split) => alterOneByte(db, split + 1)],
    ['the last event of the first part deleted', (db, split) => deleteEvent(db, split)],
    ['the first event of the second part deleted', (db, split) => deleteEvent(db, split + 1)],
    ['two events swapped across the split', (db, split) => swapEvents(db, split, split + 2, false)],
    // Not in any hash: only the worker's own checks can see it.
    [
      'an index column changed in the second part',
      (db, split) =>
        void db.prepare("UPDATE events SET type = 'Forged' WHERE position = ?").run(split + 1),
    ],
  ];
  it.each(cases)(
    'is never intact, and tells what one thread tells, for %s',
    async (_name, tamper) => {
      const split = splitPosition(sample);
      const copy = copyDataDir(sample);
      copies.push(copy);
      withStoreFile(join(copy, 'ledger.db'), (db) => tamper(db, split));
      const one = await verifyDataDir(copy, { split: 'never' });
      expect(one.intact).toBe(false);
      expect((await firstPass(copy)).scan.revisionsChecked).toBe(false);
      expect(await verifyDataDir(copy, { split: 'always' })).toEqual(one);
    },
  );

  it('leaves to the checks after the scan a log cut short, which both parts find whole', async () => {
    const copy = copyDataDir(sample);
    copies.push(copy);
    withStoreFile(join(copy, 'ledger.db'), (db) => void dropLastBatch(db));
    expect((await firstPass(copy)).scan.revisionsChecked).toBe(true);
    const one = await verifyDataDir(copy, { split: 'never' });
    expect(one.intact).toBe(false);
    expect(await verifyDataDir(copy, { split: 'always' })).toEqual(one);
  });
});
