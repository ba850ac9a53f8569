import { SqliteEventStore } from '@kopfed/eventstore';
import { LoanBookProjection } from './loan-book-projection';

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
