import type Database from 'better-sqlite3';
import type { EventStore } from '@kopfed/eventstore';
import type { Parties } from './borrowers/parties';
import type { CloseOfBusiness } from './close-of-business/close-of-business';
import type { LiquidityLoanRequests } from './liquidity-loans/requests';
import type { LoanBookLimit } from './loans/loan-book-limit';
import type { LoanBookProjection } from './loans/loan-book-projection';
import type { LoanRepository } from './loans/loan-repository';

/** What the loan service's handlers work with. */
export interface LoanContext {
  store: EventStore;
  /** Read models: the loan book and the parties (the store's own SQLite file in the node). */
  db: Database.Database;
  book: LoanBookProjection;
  loans: LoanRepository;
  parties: Parties;
  closeOfBusiness: CloseOfBusiness;
  /** Keeps the book's outstanding principal within 18 digits: every disbursement goes through it. */
  bookLimit: LoanBookLimit;
  /** Settlement's liquidity loan requests, answered as applications in the parent coop. */
  liquidityLoans: LiquidityLoanRequests;
  clock: () => Date;
}
