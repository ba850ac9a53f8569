import { rmSync } from 'node:fs';
import { SqliteEventStore } from '@kopfed/eventstore';
import { join } from 'node:path';
import { buildSampleBooks } from '../testing/sample-books';
import { openReadOnly } from '../verify/store-files';
import { parseAsOf } from './as-of';
import { auditPackage } from './audit-package';
import { booksJson } from './books-files';
import { replayBooks, replayPart } from './replay-books';
import { latestCheckpointOf } from './statement-checkpoint';

let dataDir: string;
beforeAll(async () => {
  dataDir = await buildSampleBooks();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function replay(asOf: string, coopId?: string, split: 'always' | 'never' = 'never') {
  const db = openReadOnly(join(dataDir, 'settlement.db'));
  try {
    return await replayBooks(db, 'settlement', {
      asOf: parseAsOf(asOf),
      ...(coopId ? { coopId } : {}),
      split,
    });
  } finally {
    db.close();
  }
}

const kas = (books: Awaited<ReturnType<typeof replay>>['coops'][number]) =>
  books.trialBalance.rows.find((r) => r.account === '1-110');

describe('replay', () => {
  it('rebuilds the books effective on a business date, back-dated postings included', async () => {
    const result = await replay('2026-06-30');
    expect(result.coops.map((c) => c.coopId)).toEqual(['KSP-A', 'KSP-B']);
    const a = result.coops[0]!;
    // Kas: 1,000,000 pokok + 500,000 interest − 200,000 expense + 50,000 interest dated 1 April.
    expect(kas(a)).toMatchObject({ debitBalanceMinor: 1_350_000n, creditBalanceMinor: 0n });
    expect(a.trialBalance.totals).toEqual([
      expect.objectContaining({ debitTurnoverMinor: 1_750_000n, creditTurnoverMinor: 1_750_000n }),
    ]);
    expect(a.shuStatement).toMatchObject({
      from: '2026-01-01',
      to: '2026-06-30',
      totalIncomeMinor: 550_000n,
      totalExpenseMinor: 200_000n,
      resultMinor: 350_000n,
    });
    expect(a.balanceSheet).toMatchObject({
      totalAssetsMinor: 1_350_000n,
      totalLiabilitiesMinor: 0n,
      totalEquityMinor: 1_000_000n,
      currentResultMinor: 350_000n,
    });
  });

  it('rebuilds the books as recorded at an instant, before a later back-dated posting', async () => {
    const a = (await replay('2026-07-31T00:00:00Z', 'KSP-A')).coops;
    expect(a.map((c) => c.coopId)).toEqual(['KSP-A']);
    // The 1 April interest was recorded on 1 August: not in the books of 31 July.
    expect(kas(a[0]!)).toMatchObject({ debitBalanceMinor: 1_600_000n });
    expect(a[0]!.shuStatement.resultMinor).toBe(300_000n);
    expect(a[0]!.balanceSheet.totalLiabilitiesMinor).toBe(300_000n);
  });

  it('carries the signed checkpoint the books stand on, as a service reads it from its store', async () => {
    const { checkpoint } = await replay('2026-12-31');
    expect(checkpoint).toMatchObject({
      sequence: 1,
      signedAt: '2026-08-02T04:00:00.000Z',
      merkleRoot: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const store = new SqliteEventStore({ file: join(dataDir, 'settlement.db') });
    try {
      expect(await latestCheckpointOf(store, 'settlement')).toEqual(checkpoint);
      expect(await latestCheckpointOf(store, 'member')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('gives byte-identical exports when the same history is replayed twice', async () => {
    expect(booksJson(await replay('2026-06-30'))).toBe(booksJson(await replay('2026-06-30')));
    const first = await auditPackage(dataDir, { coopId: 'KSP-A', year: 2026 });
    const second = await auditPackage(dataDir, { coopId: 'KSP-A', year: 2026 });
    expect([...first.files.keys()]).toEqual([
      'journal.csv',
      'journal.json',
      'trial-balance.csv',
      'trial-balance.json',
      'balance-sheet.csv',
      'balance-sheet.json',
      'shu-statement.csv',
      'shu-statement.json',
      'checkpoints.json',
      'manifest.json',
    ]);
    expect([...second.files]).toEqual([...first.files]);
    // The journal of 2026 has the four entries dated in it, two lines each.
    expect(first.files.get('journal.csv')!.trim().split('\r\n')).toHaveLength(1 + 4 * 2);
    expect(first.files.get('shu-statement.csv')).toMatch(
      /result,,SHU 2026-01-01\.\.2026-12-31,350000/,
    );
    expect(JSON.parse(first.files.get('checkpoints.json')!)).toMatchObject({
      stores: [{ store: 'settlement', checkpoints: [expect.anything()] }],
    });
  });

  it.each(['2026-06-30', '2026-12-31', '2026-07-31T00:00:00Z'])(
    'gives the same books summed on two threads as on one, as of %s',
    async (asOf) => {
      const one = booksJson(await replay(asOf, undefined, 'never'));
      expect(booksJson(await replay(asOf, undefined, 'always'))).toBe(one);
    },
  );

  it('sums a later part of the log on a worker, from its own connection', async () => {
    const file = join(dataDir, 'settlement.db');
    const db = openReadOnly(file);
    const through = db.prepare('SELECT max(position) FROM events').pluck().get() as number;
    const ledgerEvents = db
      .prepare("SELECT count(*) FROM events WHERE category = 'ledger' AND position > ?")
      .pluck()
      .get(5) as number;
    db.close();
    const asOf = parseAsOf('2026-12-31');
    const part = await replayPart({ file, after: 5, through, asOf }, () => undefined);
    expect(part.eventsRead).toBe(ledgerEvents);
    expect(ledgerEvents).toBeGreaterThan(0);
  });

  it('refuses an as-of that is neither a business date nor an instant', () => {
    expect(() => parseAsOf('2026-02-30')).toThrow(/business date/);
    expect(() => parseAsOf('yesterday')).toThrow(/business date/);
  });
});
