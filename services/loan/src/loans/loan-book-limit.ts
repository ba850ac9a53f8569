import type Database from 'better-sqlite3';
import { invariant } from '@kopfed/domain';
import type { LoanBookProjection } from './loan-book-projection';
import type { LoanCommandResult, LoanRepository } from './loan-repository';

/** Outstanding principal is summed in two parts split here, so no SQLite sum overflows. */
const SPLIT = 1_000_000_000n;

/**
 * What a disbursement is told of the loan book's outstanding principal (every coop's active
 * loans: the public portfolio sums them all), for the decider to keep it within 18 digits.
 *
 * Summing the book for every payout would scan it once per synced loan, so this keeps a bound
 * instead: the last exact sum, plus every payout since and every payout in flight. Only a
 * payout raises a book's outstanding principal (repayments, restructuring and write-offs do
 * not), so the bound is never below the book; when it would not leave room for a payout, the
 * book is summed again, exactly, before the decider is asked. A payout in flight holds its
 * principal in the bound, so two at once cannot both take the last room; only an approved loan
 * holds room (one paid out already is in the book), and a loan in flight is summed once, by its
 * principal, whether or not the book shows it paid out yet. The bound is this
 * process's: another process appending payouts to the same store is not counted in it.
 */
export class LoanBookLimit {
  private bound: bigint | undefined;
  /** The principal of each loan whose payout is in flight here, and how many payouts hold it. */
  private readonly inFlight = new Map<string, InFlight>();
  /** Loans paid out while a recount runs, by principal: it counts them as if in flight. */
  private readonly settled = new Map<string, bigint>();
  private recounts = 0;
  private sumStatement:
    Database.Statement<[string], { hi: bigint | null; lo: bigint | null }> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly book: LoanBookProjection,
    private readonly loans: LoanRepository,
    private readonly limit: bigint,
  ) {}

  /**
   * Runs a loan's disbursement: `run` is given the book's outstanding principal before this
   * loan (or a bound above it) for its DisburseLoan command, and returns what the command did.
   */
  async disburse(
    loanId: string,
    run: (bookOutstandingPrincipal: bigint) => Promise<LoanCommandResult>,
  ): Promise<LoanCommandResult> {
    const { state } = await this.loans.load(loanId);
    // Only an approved loan is paid out, and the book does not count it yet. Any other is run
    // unreserved: the decider answers a resend or refuses before it looks at the book, and a
    // loan approved meanwhile is told the book is full rather than paid out uncounted.
    if (state.status !== 'approved') return run(this.limit);
    const held = state.principal;
    let entry = this.inFlight.get(loanId);
    if (!entry) {
      if (this.bound === undefined || this.bound + held > this.limit) await this.recount();
      // Read after the recount: the payouts that reserved room meanwhile are in it.
      const before = this.bound!;
      // No room even by the exact sum: the decider refuses the payout (or finds it made already).
      if (before + held > this.limit) return run(before);
      // Another payout of this loan may have taken its place in the book while the sum was read.
      entry = this.inFlight.get(loanId);
      if (!entry) {
        entry = { principal: held, holders: 0, paidOut: false };
        this.inFlight.set(loanId, entry);
        this.bound = before + held;
      }
    }
    // A second payout of a loan in flight takes no room of its own: a loan is paid out once.
    const before = this.bound! - held;
    entry.holders += 1;
    try {
      const result = await run(before);
      if (result.events.some((event) => event.type === 'LoanDisbursed')) entry.paidOut = true;
      return result;
    } finally {
      if (--entry.holders === 0) {
        this.inFlight.delete(loanId);
        if (!entry.paidOut) this.bound = this.bound! - held;
        // A recount under way may have caught the book up before this payout was in it.
        else if (this.recounts > 0) this.settled.set(loanId, held);
      }
    }
  }

  /**
   * Sums the book again, once it has every event, with the payouts still in flight: a loan in
   * flight is counted once, by its principal, whether or not the book shows it paid out yet.
   */
  private async recount(): Promise<void> {
    this.recounts += 1;
    try {
      await this.book.catchUp();
      this.sumStatement ??= this.db
        .prepare<[string], { hi: bigint | null; lo: bigint | null }>(
          `SELECT sum(outstanding_principal / ${SPLIT}) AS hi, sum(outstanding_principal % ${SPLIT}) AS lo
             FROM loan_book WHERE status = 'active' AND loan_id NOT IN (SELECT value FROM json_each(?))`,
        )
        .safeIntegers(true);
      const held = new Map(this.settled);
      for (const [loanId, { principal }] of this.inFlight) held.set(loanId, principal);
      const { hi, lo } = this.sumStatement.get(JSON.stringify([...held.keys()]))!;
      const outstanding = (hi ?? 0n) * SPLIT + (lo ?? 0n);
      invariant(outstanding >= 0n, 'a loan book owes no negative principal');
      let bound = outstanding;
      for (const principal of held.values()) bound += principal;
      this.bound = bound;
    } finally {
      if (--this.recounts === 0) this.settled.clear();
    }
  }
}

/** A loan being paid out here: its principal is in the bound until the payout is done. */
interface InFlight {
  principal: bigint;
  /** The payouts of it running now (a resend beside the first, say). */
  holders: number;
  paidOut: boolean;
}
