import type Database from 'better-sqlite3';
import { conflict, invariant } from '@kopfed/domain';
import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '@kopfed/eventstore';
import { LOAN_BOOK_ROOM } from '../shared/streams';
import type { LoanCommand } from './loan-commands';
import type { LoanBookProjection } from './loan-book-projection';
import { claimedSinceRecount, roomEvent, roomHead, type RoomHead } from './loan-book-room';
import type { LoanCommandResult, LoanRepository } from './loan-repository';
import { loanDecider } from './loan.decider';

/** Outstanding principal is summed in two parts split here, so no SQLite sum overflows. */
const SPLIT = 1_000_000_000n;
/** Claims appended together, at most. */
const MAX_CLAIMS_PER_APPEND = 256;
/**
 * Claims between two recounts, at most: a recount reads the claims since the last one back,
 * and sums the book once, so this bounds its cost and how far the bound drifts above the book.
 */
const MAX_CLAIMS_BETWEEN_RECOUNTS = 10_000;
/** Appends to the ledger lost to another process before a claim gives up (409, retry). */
const MAX_ATTEMPTS = 5;

type DisburseLoan = Extract<LoanCommand, { type: 'DisburseLoan' }>;

interface Waiter {
  principal: bigint;
  loanId: string;
  resolve: (bookOutstandingPrincipal: bigint) => void;
  reject: (error: unknown) => void;
}

/**
 * What a disbursement is told of the loan book's outstanding principal (every coop's active
 * loans: the public portfolio sums them all), for the decider to keep it within 18 digits.
 *
 * Every payout of an approved loan first claims its principal in the store's room ledger
 * (loan-book-room.ts), appended at the ledger's revision, and only then runs. The ledger's
 * bound is raised by each claim and set by each recount to the exact sum of the active loans
 * plus the claimed loans still approved (their payouts may land at any time), so it is never
 * below the book; and since every process claims through the same stream, at the revision it
 * read, two payouts anywhere cannot both take the last room. When the bound leaves no room
 * (or after MAX_CLAIMS_BETWEEN_RECOUNTS claims) the book is caught up with the store and
 * summed again, and the recount is appended with the claims it makes room for. The common
 * path costs one read and one append of the ledger per group of payouts in this process
 * (claims are appended one group at a time), not a scan of the book.
 *
 * Guaranteed: no payout made through this class takes the book's outstanding principal past
 * the limit, whichever process over the store makes it. This rests on the store refusing an
 * append at a revision that is no longer the stream's (the SQLite store checks it inside its
 * write transaction, so across processes over one file too), on the loan book projection,
 * and on a loan's principal being fixed from its application. Not guaranteed: that every
 * payout which would fit is made. A claim whose payout did not happen (an error or a crash
 * between the claim and the payout; refusals the decider would give are not claimed) counts
 * its loan's principal until the loan is paid out or leaves approved; between recounts the
 * bound is above the book by the repayments since; and a payout refused at the limit is
 * refused on such a recount. Payouts appended other than through this class (test fixtures,
 * a release before the ledger) are counted from the next recount only.
 */
export class LoanBookLimit {
  private readonly waiting: Waiter[] = [];
  private draining = false;
  private readonly sumStatement;
  private readonly statusStatement;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly book: LoanBookProjection,
    private readonly loans: LoanRepository,
    private readonly limit: bigint,
  ) {
    this.sumStatement = db
      .prepare<[], { hi: bigint | null; lo: bigint | null }>(
        `SELECT sum(outstanding_principal / ${SPLIT}) AS hi, sum(outstanding_principal % ${SPLIT}) AS lo
           FROM loan_book WHERE status = 'active'`,
      )
      .safeIntegers(true);
    this.statusStatement = db.prepare<[string], { loan_id: string; status: string }>(
      `SELECT loan_id, status FROM loan_book WHERE loan_id IN (SELECT value FROM json_each(?))`,
    );
  }

  /**
   * Runs a loan's disbursement: `run` is given the DisburseLoan command with the book's
   * outstanding principal before this loan (or a bound above it), and returns what it did.
   */
  async disburse(
    loanId: string,
    scope: { coopId: string; expectedRevision?: number | undefined },
    command: Omit<DisburseLoan, 'bookOutstandingPrincipal'>,
    run: (command: DisburseLoan) => Promise<LoanCommandResult>,
  ): Promise<LoanCommandResult> {
    const { state, revision } = await this.loans.load(loanId);
    // Only a payout the decider would make claims room: a resend, a loan of another coop or a
    // refusal is run unreserved, and answered by the command as it stands. A loan that changed
    // meanwhile so that it would be paid out is told the book is full, not paid out uncounted.
    const unreserved = { ...command, bookOutstandingPrincipal: this.limit };
    if (
      state.status !== 'approved' ||
      state.coopId !== scope.coopId ||
      (scope.expectedRevision !== undefined && scope.expectedRevision !== revision) ||
      !paysOut(state, { ...command, bookOutstandingPrincipal: 0n })
    )
      return run(unreserved);
    const before = await this.claim(loanId, state.principal);
    return run({ ...command, bookOutstandingPrincipal: before });
  }

  /**
   * Claims a loan's principal in the ledger; resolves with the bound before it. When there is
   * no room even by a recount, nothing is claimed and the bound given leaves none.
   */
  private claim(loanId: string, principal: bigint): Promise<bigint> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ loanId, principal, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Claims for the payouts waiting, a group per append, one append at a time. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, MAX_CLAIMS_PER_APPEND);
        for (let attempt = 1; ; attempt++) {
          try {
            await this.claimGroup(group);
            break;
          } catch (error) {
            const contended = error instanceof WrongExpectedRevisionError;
            if (contended && attempt < MAX_ATTEMPTS) continue;
            // Not the loan's revision: an If-Match must not be told the loan changed.
            const answer = contended
              ? conflict(
                  'loan_book_contended',
                  'other payouts are claiming room in the loan book at the same time; retry',
                )
              : error;
            for (const waiter of group) waiter.reject(answer);
            break;
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async claimGroup(group: readonly Waiter[]): Promise<void> {
    const head = await roomHead(this.store);
    const events: NewEvent[] = [];
    let bound = head?.bound;
    let claimsSinceRecount = head?.claimsSinceRecount ?? 0;
    const total = group.reduce((sum, waiter) => sum + waiter.principal, 0n);
    if (
      bound === undefined ||
      bound + total > this.limit ||
      claimsSinceRecount + group.length > MAX_CLAIMS_BETWEEN_RECOUNTS
    ) {
      const recount = await this.recount(head);
      bound = recount.bound;
      claimsSinceRecount = 0;
      events.push(
        roomEvent({
          type: 'LoanBookRecounted',
          data: {
            bookOutstandingPrincipal: bound.toString(),
            pendingLoans: [...recount.pending].map(([loanId, principal]) => ({
              loanId,
              principal: principal.toString(),
            })),
          },
        }),
      );
    }
    const answers: [Waiter, bigint][] = [];
    let claims = 0;
    for (const waiter of group) {
      answers.push([waiter, bound]);
      if (bound + waiter.principal > this.limit) continue;
      bound += waiter.principal;
      claims += 1;
      claimsSinceRecount += 1;
      events.push(
        roomEvent({
          type: 'LoanBookRoomClaimed',
          data: {
            loanId: waiter.loanId,
            principal: waiter.principal.toString(),
            bookOutstandingPrincipal: bound.toString(),
            claimsSinceRecount,
          },
        }),
      );
    }
    // A group refused in full appends nothing: a refusal changes nothing.
    if (claims > 0)
      await this.store.append(LOAN_BOOK_ROOM, events, {
        expectedRevision: head === undefined ? 'no_stream' : head.revision,
      });
    for (const [waiter, before] of answers) waiter.resolve(before);
  }

  /**
   * The exact sum of the active loans, once the book has every event, plus the principal of
   * each loan claimed up to `head` that the book does not show paid out: their payouts may
   * land at any time. Appended at `head`'s revision, no later claim escapes it.
   */
  private async recount(
    head: RoomHead | undefined,
  ): Promise<{ bound: bigint; pending: Map<string, bigint> }> {
    const claimed =
      head === undefined
        ? new Map<string, bigint>()
        : await claimedSinceRecount(this.store, head.revision);
    await this.book.catchUp();
    // One read transaction: a loan paid out between two reads would be counted by neither.
    return this.db.transaction(() => {
      const { hi, lo } = this.sumStatement.get()!;
      const active = (hi ?? 0n) * SPLIT + (lo ?? 0n);
      invariant(active >= 0n, 'a loan book owes no negative principal');
      const pending = new Map(claimed);
      for (const { loan_id, status } of this.statusStatement.all(
        JSON.stringify([...claimed.keys()]),
      ))
        if (status !== 'approved') pending.delete(loan_id);
      let bound = active;
      for (const principal of pending.values()) bound += principal;
      return { bound, pending };
    })();
  }
}

/** Whether the decider would pay the loan out (ignoring the book): a refusal claims no room. */
function paysOut(state: Parameters<typeof loanDecider.decide>[1], command: DisburseLoan): boolean {
  try {
    return loanDecider.decide(command, state).some((event) => event.type === 'LoanDisbursed');
  } catch {
    return false;
  }
}
