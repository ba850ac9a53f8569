import Database from 'better-sqlite3';
import { PortfolioQueries } from './portfolio';

/** The loan book's columns the portfolio reads, with one active loan per class row given. */
function bookOf(loans: { kolektibilitas: string; outstanding: bigint }[]) {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE loan_party_coops (coop_id TEXT PRIMARY KEY, parent_coop_id TEXT);
    CREATE TABLE loan_book (loan_id TEXT PRIMARY KEY, coop_id TEXT, status TEXT,
      kolektibilitas TEXT, outstanding_principal INTEGER, provision INTEGER,
      overdue_amount INTEGER, collateral_held INTEGER, oldest_overdue_due TEXT,
      borrower_coop_id TEXT, written_off_claim INTEGER, recovered INTEGER);`);
  const insert = db.prepare(
    `INSERT INTO loan_book VALUES (?, 'ksp-1', 'active', ?, ?, 0, 0, 0, NULL, NULL, 0, 0)`,
  );
  loans.forEach((l, index) => insert.run(`loan-${index}`, l.kolektibilitas, l.outstanding));
  return new PortfolioQueries(db);
}

describe('portfolio health: NPL ratio at or under 5% (BRIEF §5), judged exactly', () => {
  it('is not healthy at 5.004%, though the ratio shows 5.00', () => {
    const book = bookOf([
      { kolektibilitas: 'L', outstanding: 94_996_000n },
      { kolektibilitas: 'KL', outstanding: 5_004_000n },
    ]);
    expect(book.federation()).toMatchObject({ nplRatioPercent: '5.00', healthy: false });
    expect(book.portfolio('ksp-1', false, '2026-06-30')).toMatchObject({
      nplOutstanding: 5_004_000n,
      nplRatioPercent: '5.00',
      healthy: false,
    });
  });

  it('is healthy at exactly 5.000%, and with nothing outstanding', () => {
    const book = bookOf([
      { kolektibilitas: 'L', outstanding: 95_000_000n },
      { kolektibilitas: 'D', outstanding: 3_000_000n },
      { kolektibilitas: 'M', outstanding: 2_000_000n },
    ]);
    expect(book.federation()).toMatchObject({ nplRatioPercent: '5.00', healthy: true });
    expect(book.portfolio('ksp-1', false, '2026-06-30').healthy).toBe(true);
    expect(bookOf([]).federation()).toMatchObject({ nplRatioPercent: null, healthy: true });
  });
});
