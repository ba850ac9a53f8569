import type Database from 'better-sqlite3';
import { encodeDynamic, encodeLoanState, encodeSchedule, type StoredLoan } from './loan-codec';
import {
  isSettled,
  outstandingPrincipal,
  unpaidInterest,
  unpaidPrincipal,
  type LoanState,
} from './loan-state';

/**
 * The loan book: every loan's current state (the close of business iterates it instead of
 * re-reading long streams) with the columns the portfolio sums, and every coop's products.
 * Kept in the store's own SQLite file by LoanBookProjection. What a close of business rewrites
 * every night (the summed columns, `dynamic`) is kept apart from the kilobytes written at
 * origination and when installments change (`loan_book_detail`): SQLite rewrites a whole row
 * on any update, so a night costs a few hundred bytes of page writes per loan, not its schedule.
 */
export const LOAN_BOOK_TABLES = `
  CREATE TABLE IF NOT EXISTS loan_book (
    loan_id TEXT PRIMARY KEY,
    coop_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    borrower_coop_id TEXT,
    product_code TEXT NOT NULL,
    external_id TEXT,
    status TEXT NOT NULL,
    kolektibilitas TEXT NOT NULL,
    outstanding_principal INTEGER NOT NULL,
    overdue_amount INTEGER NOT NULL,
    oldest_overdue_due TEXT,
    provision INTEGER NOT NULL,
    collateral_held INTEGER NOT NULL,
    written_off_claim INTEGER NOT NULL,
    recovered INTEGER NOT NULL,
    applied_on TEXT NOT NULL,
    revision INTEGER NOT NULL,
    dynamic TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS loan_book_detail (
    loan_id TEXT PRIMARY KEY,
    fixed TEXT,
    terms TEXT,
    schedule BLOB
  );
  CREATE INDEX IF NOT EXISTS loan_book_coop ON loan_book (coop_id, status);
  CREATE INDEX IF NOT EXISTS loan_book_status ON loan_book (status, loan_id);
  CREATE UNIQUE INDEX IF NOT EXISTS loan_book_external ON loan_book (coop_id, external_id)
    WHERE external_id IS NOT NULL;
  CREATE TABLE IF NOT EXISTS loan_products (
    coop_id TEXT NOT NULL,
    product_code TEXT NOT NULL,
    versions TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (coop_id, product_code)
  ) WITHOUT ROWID;`;

export const LOAN_BOOK_NAME = 'loan-book-v2';

/** True for a book of the layout before v2 (one table): it is dropped and rebuilt from the log. */
export function isFirstLayout(db: Database.Database): boolean {
  const columns = db.prepare<[], { name: string }>(
    "SELECT name FROM pragma_table_info('loan_book')",
  );
  return columns.all().some((column) => column.name === 'schedule');
}

/**
 * Whether the book has a disbursed loan written before its state kept disbursedVia (and
 * recordedThrough): such a book is rebuilt from the log, since the nightly writes never
 * rewrite a loan's origination facts.
 */
export function predatesDisbursedVia(db: Database.Database): boolean {
  const tables = db.prepare("SELECT name FROM pragma_table_info('loan_book_detail')").all();
  if (tables.length === 0) return false;
  const stale = db.prepare(
    `SELECT 1 FROM loan_book_detail WHERE json_extract(fixed, '$.disbursedOn') IS NOT NULL
       AND json_type(fixed, '$.disbursedVia') IS NULL LIMIT 1`,
  );
  return stale.get() !== undefined;
}

/**
 * Whether the book has an active loan written before its state kept the late charges a
 * back-dated repayment waives: the book is rebuilt from the log, which has them all.
 */
export function predatesLateCharges(db: Database.Database): boolean {
  const tables = db.prepare("SELECT name FROM pragma_table_info('loan_book')").all();
  if (tables.length === 0) return false;
  const stale = db.prepare(
    `SELECT 1 FROM loan_book WHERE status = 'active'
       AND json_type(dynamic, '$.lateCharges') IS NOT 'object' LIMIT 1`,
  );
  return stale.get() !== undefined;
}

/** What changed since the row was written: unchanged parts are not written again. */
export interface Changed {
  fixed: boolean;
  schedule: boolean;
}

export function rowOf(
  state: LoanState,
  revision: number,
  changed: Changed = { fixed: true, schedule: true },
) {
  let overdue = 0n;
  let oldest: string | null = null;
  for (const i of state.installments) {
    if (!i.overdue || isSettled(i)) continue;
    overdue += unpaidPrincipal(i) + unpaidInterest(i);
    oldest ??= i.dueDate;
  }
  const active = state.status === 'active';
  const stored = changed.fixed ? encodeLoanState(state) : undefined;
  return {
    loan_id: state.loanId,
    coop_id: state.coopId,
    member_id: state.memberId,
    borrower_coop_id: state.borrower.kind === 'coop' ? state.borrower.memberCoopId : null,
    product_code: state.productCode,
    external_id: state.externalId,
    status: state.status,
    kolektibilitas: state.kolektibilitas,
    outstanding_principal: active ? outstandingPrincipal(state) : 0n,
    overdue_amount: active ? overdue : 0n,
    oldest_overdue_due: active ? oldest : null,
    provision: state.provision,
    collateral_held: state.collateral?.held ?? 0n,
    written_off_claim: state.writtenOff?.claim ?? 0n,
    recovered: state.writtenOff?.recovered ?? 0n,
    applied_on: state.appliedOn,
    revision,
    fixed: stored?.fixed ?? null,
    terms: stored?.terms ?? null,
    dynamic: stored?.dynamic ?? encodeDynamic(state),
    schedule: stored?.schedule ?? (changed.schedule ? encodeSchedule(state.installments) : null),
  };
}

export function prepareBook(db: Database.Database) {
  return {
    state: db.prepare<[string], StoredLoan>(
      `SELECT fixed, terms, dynamic, schedule FROM loan_book JOIN loan_book_detail USING (loan_id)
        WHERE loan_id = ?`,
    ),
    upsert: db.prepare(
      `INSERT INTO loan_book (loan_id, coop_id, member_id, borrower_coop_id, product_code, external_id,
         status, kolektibilitas, outstanding_principal, overdue_amount, oldest_overdue_due, provision,
         collateral_held, written_off_claim, recovered, applied_on, revision, dynamic)
       VALUES (@loan_id, @coop_id, @member_id, @borrower_coop_id, @product_code, @external_id,
         @status, @kolektibilitas, @outstanding_principal, @overdue_amount, @oldest_overdue_due,
         @provision, @collateral_held, @written_off_claim, @recovered, @applied_on, @revision,
         @dynamic)
       ON CONFLICT (loan_id) DO UPDATE SET status = excluded.status,
         kolektibilitas = excluded.kolektibilitas, outstanding_principal = excluded.outstanding_principal,
         overdue_amount = excluded.overdue_amount, oldest_overdue_due = excluded.oldest_overdue_due,
         provision = excluded.provision, collateral_held = excluded.collateral_held,
         written_off_claim = excluded.written_off_claim, recovered = excluded.recovered,
         revision = excluded.revision, dynamic = excluded.dynamic`,
    ),
    /** A loan whose status and origination facts stay: no indexed column is touched. */
    nightly: db.prepare(
      `UPDATE loan_book SET kolektibilitas = @kolektibilitas, outstanding_principal = @outstanding_principal,
         overdue_amount = @overdue_amount, oldest_overdue_due = @oldest_overdue_due, provision = @provision,
         collateral_held = @collateral_held, written_off_claim = @written_off_claim, recovered = @recovered,
         revision = @revision, dynamic = @dynamic
       WHERE loan_id = @loan_id`,
    ),
    /** The origination facts and the schedule, when either changed. */
    detail: db.prepare<
      [{ loan_id: string; fixed: string | null; terms: string | null; schedule: Buffer | null }]
    >(
      `INSERT INTO loan_book_detail (loan_id, fixed, terms, schedule)
       VALUES (@loan_id, @fixed, @terms, @schedule)
       ON CONFLICT (loan_id) DO UPDATE SET fixed = coalesce(excluded.fixed, loan_book_detail.fixed),
         terms = coalesce(excluded.terms, loan_book_detail.terms),
         schedule = coalesce(excluded.schedule, loan_book_detail.schedule)`,
    ),
    product: db.prepare<[string, string], { versions: string }>(
      'SELECT versions FROM loan_products WHERE coop_id = ? AND product_code = ?',
    ),
    upsertProduct: db.prepare(
      `INSERT INTO loan_products (coop_id, product_code, versions, revision) VALUES (?, ?, ?, ?)
       ON CONFLICT (coop_id, product_code) DO UPDATE SET versions = excluded.versions, revision = excluded.revision`,
    ),
  };
}
