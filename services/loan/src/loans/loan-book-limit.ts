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
 * principal in the bound, so two at once cannot both take the last room. The bound is this
 * process's: another process appending payouts to the same store is not counted in it.
 */
export class LoanBookLimit {
  private bound: bigint | undefined;
  private inFlight = 0n;
  private sumStatement:
    Database.Statement<[], { hi: bigint | null; lo: bigint | null }> | undefined;

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
    const held = state.principal;
    const before =
      this.bound !== undefined && this.bound + held <= this.limit
        ? this.bound
        : await this.recount();
    // No room even by the exact sum: the decider refuses the payout (or finds it made already).
    if (before + held > this.limit) return run(before);
    this.bound = before + held;
    this.inFlight += held;
    let paidOut = 0n;
    try {
      const result = await run(before);
      for (const event of result.events)
        if (event.type === 'LoanDisbursed') paidOut += BigInt(event.data.principal);
      return result;
    } finally {
      this.inFlight -= held;
      this.bound = this.bound - held + paidOut;
    }
  }

  /** Sums the book again, once it has every event, with the payouts still in flight. */
  private async recount(): Promise<bigint> {
    await this.book.catchUp();
    this.sumStatement ??= this.db
      .prepare<[], { hi: bigint | null; lo: bigint | null }>(
        `SELECT sum(outstanding_principal / ${SPLIT}) AS hi, sum(outstanding_principal % ${SPLIT}) AS lo
           FROM loan_book WHERE status = 'active'`,
      )
      .safeIntegers(true);
    const { hi, lo } = this.sumStatement.get()!;
    const outstanding = (hi ?? 0n) * SPLIT + (lo ?? 0n);
    invariant(outstanding >= 0n, 'a loan book owes no negative principal');
    this.bound = outstanding + this.inFlight;
    return this.bound;
  }
}
