import type Database from 'better-sqlite3';
import { conflict, rejected } from '@kopfed/domain';
import {
  jakartaBusinessDate,
  WrongExpectedRevisionError,
  type EventStore,
} from '@kopfed/eventstore';
import { KOLEKTIBILITAS_POLICIES, type KolektibilitasPolicy } from '../policies/kolektibilitas';
import { newEventId } from '../shared/event-ids';
import { CLOSE_OF_BUSINESS_CALENDAR, closeOfBusinessStream } from '../shared/streams';
import { closeBusinessDayOf } from '../loans/close-of-day';
import { decodeLoanState, type StoredLoan } from '../loans/loan-codec';
import type { LoanBookProjection } from '../loans/loan-book-projection';
import type { LoanEvent } from '../loans/loan-events';
import { identityOf } from '../loans/loan-identity';
import type { LoanRepository } from '../loans/loan-repository';

/** Loans read and decided per page; their appends are in flight together (one group commit). */
const PAGE_SIZE = 1_000;

export interface CloseOfBusinessSummary {
  businessDate: string;
  loansExamined: number;
  loansChanged: number;
  events: Record<string, number>;
  interestAccrued: string;
  penaltiesCharged: string;
  provisionAdded: string;
  provisionReleased: string;
  /** True when this date had been closed before: the recorded summary is returned. */
  alreadyClosed: boolean;
}

type Recorded = Omit<CloseOfBusinessSummary, 'alreadyClosed'>;

/**
 * The nightly close of business over every active loan. It iterates the loan book instead of
 * re-reading each loan's stream, decides each loan's day with the pure `closeBusinessDay`,
 * and appends a page of loans at once so the store commits them together. A loan changed
 * meanwhile (the book was behind) is decided again from its stream. Idempotent per date: the
 * date is recorded (`closeofbusiness-<date>`, no_stream) once every loan is done, and a date
 * before the last one closed is refused. Only a date that has ended in Asia/Jakarta is closed:
 * closing today early would age and accrue a day still running, and leave the nightly run that
 * date "already closed".
 */
export class CloseOfBusiness {
  private running: Promise<unknown> = Promise.resolve();
  private readonly page;

  constructor(
    private readonly store: EventStore,
    db: Database.Database,
    private readonly book: LoanBookProjection,
    private readonly loans: LoanRepository,
    private readonly clock: () => Date,
    private readonly policies: readonly KolektibilitasPolicy[] = KOLEKTIBILITAS_POLICIES,
  ) {
    this.page = db.prepare<[string, number], StoredLoan & { loan_id: string; revision: number }>(
      `SELECT loan_id, revision, fixed, terms, dynamic, schedule FROM loan_book
         JOIN loan_book_detail USING (loan_id)
        WHERE status = 'active' AND loan_id > ? ORDER BY loan_id LIMIT ?`,
    );
  }

  /** Runs one close of business at a time, in the order asked; a date not yet ended is refused. */
  run(businessDate: string): Promise<CloseOfBusinessSummary> {
    const today = jakartaBusinessDate(this.clock());
    if (businessDate >= today)
      return Promise.reject(
        rejected(
          'business_date_not_over',
          `${businessDate} has not ended yet: today is ${today} in Asia/Jakarta, and only a date before it is closed`,
          '/businessDate',
        ),
      );
    const next = this.running.then(
      () => this.close(businessDate),
      () => this.close(businessDate),
    );
    this.running = next.catch(() => undefined);
    return next;
  }

  private async close(businessDate: string): Promise<CloseOfBusinessSummary> {
    const recorded = await this.recorded(businessDate);
    if (recorded) return { ...recorded, alreadyClosed: true };
    const last = await this.lastClosed();
    if (last !== undefined && last > businessDate)
      throw conflict(
        'close_of_business_out_of_order',
        `business date ${last} is already closed; ${businessDate} comes before it`,
        { lastClosed: last },
      );
    await this.book.catchUp();
    const totals = new Totals(businessDate);
    const metadata = {
      correlationId: `close-of-business-${businessDate}`,
      actor: 'close-of-business',
    };
    for (let after = '', pages = 0; pages < 10_000_000; pages++) {
      const rows = this.page.all(after, PAGE_SIZE);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.loan_id;
      await Promise.all(
        rows.map(async (row) => {
          const state = decodeLoanState(row);
          const decided = closeBusinessDayOf(state, businessDate, this.policies);
          const { events } = decided;
          totals.examined++;
          if (events.length === 0) return;
          const options = { metadata: { ...metadata, ...identityOf(state) }, businessDate };
          const ids = events.map(() => newEventId());
          this.book.remember(row.loan_id, row.revision, state, { ids, state: decided.state });
          try {
            await this.loans.append(row.loan_id, events, row.revision, options, ids);
            totals.add(events);
          } catch (error) {
            if (!(error instanceof WrongExpectedRevisionError)) throw error;
            const again = await this.loans.execute(
              row.loan_id,
              { type: 'CloseBusinessDay', businessDate, policies: this.policies },
              options,
            );
            totals.add(again.events);
          }
        }),
      );
    }
    const summary = totals.summary();
    await this.record(summary);
    await this.book.catchUp();
    return { ...summary, alreadyClosed: false };
  }

  private async recorded(businessDate: string): Promise<Recorded | undefined> {
    const [event] = await this.store.readStream(closeOfBusinessStream(businessDate), {
      maxCount: 1,
    });
    return event ? (event.data as Recorded) : undefined;
  }

  private async lastClosed(): Promise<string | undefined> {
    const [event] = await this.store.readStream(CLOSE_OF_BUSINESS_CALENDAR, {
      direction: 'backwards',
      maxCount: 1,
    });
    return event ? (event.data as { businessDate: string }).businessDate : undefined;
  }

  private async record(summary: Recorded): Promise<void> {
    const { businessDate } = summary;
    try {
      await this.store.append(
        closeOfBusinessStream(businessDate),
        [
          {
            id: newEventId(),
            type: 'LoanCloseOfBusinessCompleted',
            schemaVersion: 1,
            data: summary,
            businessDate,
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    } catch (error) {
      // Another run closed the date at the same time: its record stands.
      if (error instanceof WrongExpectedRevisionError) return;
      throw error;
    }
    await this.store.append(
      CLOSE_OF_BUSINESS_CALENDAR,
      [
        {
          id: newEventId(),
          type: 'LoanBusinessDateClosed',
          schemaVersion: 1,
          data: { businessDate },
          businessDate,
        },
      ],
      { expectedRevision: 'any' },
    );
  }

  /** The last business date closed, if any. */
  lastClosedDate(): Promise<string | undefined> {
    return this.lastClosed();
  }
}

class Totals {
  examined = 0;
  changed = 0;
  private readonly counts: Record<string, number> = {};
  private interest = 0n;
  private penalties = 0n;
  private added = 0n;
  private released = 0n;

  constructor(private readonly businessDate: string) {}

  add(events: readonly LoanEvent[]): void {
    if (events.length > 0) this.changed++;
    for (const event of events) {
      this.counts[event.type] = (this.counts[event.type] ?? 0) + 1;
      if (event.type === 'LoanInterestAccrued') this.interest += BigInt(event.data.interest);
      else if (event.type === 'LoanPenaltyCharged') this.penalties += BigInt(event.data.penalty);
      else if (event.type === 'LoanProvisionAdded') this.added += BigInt(event.data.amount);
      else if (event.type === 'LoanProvisionReleased') this.released += BigInt(event.data.amount);
    }
  }

  summary(): Recorded {
    return {
      businessDate: this.businessDate,
      loansExamined: this.examined,
      loansChanged: this.changed,
      events: this.counts,
      interestAccrued: this.interest.toString(),
      penaltiesCharged: this.penalties.toString(),
      provisionAdded: this.added.toString(),
      provisionReleased: this.released.toString(),
    };
  }
}
