import { SqliteEventStore } from '@kopfed/eventstore';
import { v7 as uuidv7 } from 'uuid';
import { seedActiveLoans } from '../testing';
import { closeBusinessDayOf } from './close-of-day';
import { LoanBookProjection } from './loan-book-projection';
import { LoanRepository } from './loan-repository';
import type { LoanState } from './loan-state';

describe('LoanBookProjection: a book of the first layout', () => {
  it('is dropped with its checkpoint, so the book is replayed from the log in the new layout', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const db = store.database;
    db.exec(`CREATE TABLE loan_book (loan_id TEXT PRIMARY KEY, dynamic TEXT, schedule BLOB);
      INSERT INTO loan_book VALUES ('loan-1', '{}', NULL);
      INSERT INTO checkpoints (name, position) VALUES ('projection:loan-book-v1', 7);`);
    const book = new LoanBookProjection(store);
    const columns = db.prepare("SELECT name FROM pragma_table_info('loan_book')").pluck().all();
    expect(columns).not.toContain('schedule');
    expect(db.prepare('SELECT count(*) FROM loan_book').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM checkpoints').pluck().get()).toBe(0);
    expect(book.position).toBe(0);
    await store.close();
  });
});

describe('LoanBookProjection: a book written before disbursedVia was kept', () => {
  it('is rebuilt from the log, so every row has it', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    try {
      await seedActiveLoans(store, 1, '2026-03-15');
      const first = new LoanBookProjection(store);
      first.start();
      await first.catchUp();
      await first.stop();
      const db = store.database;
      db.exec(`UPDATE loan_book_detail SET fixed = json_remove(fixed, '$.disbursedVia')`);
      const book = new LoanBookProjection(store);
      expect(book.position).toBe(0);
      book.start();
      await book.catchUp();
      await book.stop();
      const via = db.prepare(
        `SELECT json_extract(fixed, '$.disbursedVia.kind') FROM loan_book_detail`,
      );
      expect(via.pluck().all()).toEqual([expect.any(String)]);
    } finally {
      await store.close();
    }
  });
});

describe('LoanBookProjection: a book written before the late charges were kept', () => {
  it('is rebuilt from the log, and a stale row is folded from its stream meanwhile', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    try {
      await seedActiveLoans(store, 1, '2026-03-15');
      const first = new LoanBookProjection(store);
      first.start();
      await first.catchUp();
      await first.stop();
      const db = store.database;
      db.exec(`UPDATE loan_book SET dynamic = json_remove(dynamic, '$.lateCharges')`);
      const loanId = db.prepare('SELECT loan_id FROM loan_book').pluck().get() as string;
      const { state } = await new LoanRepository(store, db).load(loanId);
      expect(state.lateCharges).not.toBeNull();
      const book = new LoanBookProjection(store);
      expect(book.position).toBe(0);
      book.start();
      await book.catchUp();
      await book.stop();
      const kept = db.prepare(`SELECT json_type(dynamic, '$.lateCharges') FROM loan_book`);
      expect(kept.pluck().all()).toEqual(['object']);
    } finally {
      await store.close();
    }
  });
});

describe("LoanBookProjection: the state a writer's own events lead to", () => {
  const businessDate = '2026-03-15';
  let store: SqliteEventStore;
  let book: LoanBookProjection;
  let loans: LoanRepository;
  const rows = () =>
    store.database
      .prepare('SELECT * FROM loan_book JOIN loan_book_detail USING (loan_id) ORDER BY loan_id')
      .all();

  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    await seedActiveLoans(store, 1, businessDate);
    book = new LoanBookProjection(store);
    loans = new LoanRepository(store, store.database);
    book.start();
    await book.catchUp();
  });
  afterEach(async () => {
    await book.stop();
    await store.close();
  });

  /**
   * Decides the loan's day and tells the book where it leads (with a provision of 999, so it
   * shows whether the book took it), then appends the events: under the ids told when `same`.
   */
  async function closeTheDay(same: boolean): Promise<void> {
    const loanId = store.database.prepare('SELECT loan_id FROM loan_book').pluck().get() as string;
    const { state, revision } = await loans.load(loanId);
    const decided = closeBusinessDayOf(state, businessDate);
    expect(decided.events.length).toBeGreaterThan(0);
    const ids = decided.events.map(() => uuidv7());
    const told: LoanState = { ...decided.state, provision: 999n };
    book.remember(loanId, revision!, state, { ids, state: told });
    const appended = same ? ids : decided.events.map(() => uuidv7());
    await loans.append(loanId, decided.events, revision, { metadata: {} }, appended);
    await book.catchUp();
  }

  it('is taken when exactly those events follow', async () => {
    await closeTheDay(true);
    expect(rows()[0]).toMatchObject({ provision: 999 });
  });

  it('is not taken for events of other ids: the book evolves them, equal to its rebuild', async () => {
    await closeTheDay(false);
    const kept = rows();
    expect(kept[0]).not.toMatchObject({ provision: 999 });
    await book.rebuild();
    expect(rows()).toEqual(kept);
  });
});

describe('LoanRepository: a book row written before recordedThrough was kept', () => {
  it('is not trusted: the loan is folded from its stream, so the date guard holds', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await seedActiveLoans(store, 1, '2026-03-15');
    const book = new LoanBookProjection(store);
    book.start();
    await book.catchUp();
    try {
      const db = store.database;
      const loanId = db.prepare('SELECT loan_id FROM loan_book').pluck().get() as string;
      db.prepare(
        `UPDATE loan_book SET dynamic = json_remove(dynamic, '$.recordedThrough') WHERE loan_id = ?`,
      ).run(loanId);
      const { state } = await new LoanRepository(store, db).load(loanId);
      expect(state.disbursedOn).not.toBeNull();
      expect(state.recordedThrough).not.toBeNull();
    } finally {
      await book.stop();
      await store.close();
    }
  });
});
