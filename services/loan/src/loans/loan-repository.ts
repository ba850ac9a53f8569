import type Database from 'better-sqlite3';
import { invariant, notFound } from '@kopfed/domain';
import {
  handleCommand,
  loadAggregate,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
} from '@kopfed/eventstore';
import { newEventId } from '../shared/event-ids';
import { loanStream } from '../shared/streams';
import { decodeLoanState, isComplete, type StoredLoan } from './loan-codec';
import type { LoanCommand } from './loan-commands';
import { loanDecider } from './loan.decider';
import type { LoanEvent } from './loan-events';
import { identityOf } from './loan-identity';
import type { LoanState } from './loan-state';

export interface LoanCommandOptions {
  metadata: EventMetadata;
  /** The revision the caller saw (If-Match): a conflict is then reported, not retried. */
  expectedRevision?: number;
  businessDate?: string;
  /** Makes the command idempotent for ever (sync, consumers): the stream is read in full. */
  idempotencyKey?: string;
  /** The coop the caller named: a loan of another coop is not found. */
  coopId?: string;
}

export interface LoanCommandResult {
  state: LoanState;
  events: LoanEvent[];
  revision: number | undefined;
  alreadyApplied: boolean;
}

const MAX_ATTEMPTS = 5;

/**
 * Loads loans and runs commands on them. A loan's stream grows by an accrual a day, so the
 * state is taken from the loan book when the book is at the stream's revision, and only
 * otherwise folded from the stream; the append's expected revision keeps either way correct.
 */
export class LoanRepository {
  private readonly bookRow;

  constructor(
    private readonly store: EventStore,
    db: Database.Database,
  ) {
    this.bookRow = db.prepare<[string], StoredLoan & { revision: number }>(
      `SELECT revision, fixed, terms, dynamic, schedule FROM loan_book
         JOIN loan_book_detail USING (loan_id) WHERE loan_id = ?`,
    );
  }

  async load(loanId: string): Promise<{ state: LoanState; revision: number | undefined }> {
    const stream = loanStream(loanId);
    const revision = await this.store.streamRevision(stream);
    if (revision === undefined) return { state: loanDecider.initialState(), revision };
    const row = this.bookRow.get(loanId);
    if (row && row.revision === revision) {
      const state = decodeLoanState(row);
      if (isComplete(state)) return { state, revision };
    }
    const loaded = await loadAggregate(
      this.store,
      stream,
      loanDecider,
      (e) => e as unknown as LoanEvent,
    );
    return { state: loaded.state, revision: loaded.revision };
  }

  /** The loan, or 404 when there is none in this coop. */
  async get(coopId: string, loanId: string): Promise<{ state: LoanState; revision: number }> {
    const { state, revision } = await this.load(loanId);
    if (revision === undefined || state.coopId !== coopId)
      throw notFound('loan_not_found', 'no such loan in this coop');
    return { state, revision };
  }

  async execute(
    loanId: string,
    command: LoanCommand,
    options: LoanCommandOptions,
  ): Promise<LoanCommandResult> {
    if (options.idempotencyKey !== undefined) {
      const { state } = await this.load(loanId);
      const result = await handleCommand(this.store, {
        stream: loanStream(loanId),
        decider: loanDecider,
        command,
        metadata: { ...options.metadata, ...identityOf(state, command) },
        idempotencyKey: options.idempotencyKey,
        ...(options.businessDate ? { businessDate: options.businessDate } : {}),
      });
      return { ...result, alreadyApplied: result.alreadyApplied === true };
    }
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.load(loanId);
      if (
        options.coopId !== undefined &&
        (revision === undefined || state.coopId !== options.coopId)
      )
        throw notFound('loan_not_found', 'no such loan in this coop');
      if (options.expectedRevision !== undefined && options.expectedRevision !== revision)
        throw new WrongExpectedRevisionError(
          loanStream(loanId),
          options.expectedRevision,
          revision,
        );
      const events = loanDecider.decide(command, state);
      if (events.length === 0) return { state, events, revision, alreadyApplied: false };
      try {
        const metadata = { ...options.metadata, ...identityOf(state, command) };
        const appended = await this.append(loanId, events, revision, { ...options, metadata });
        return {
          state: events.reduce(loanDecider.evolve, state),
          events,
          revision: appended,
          alreadyApplied: false,
        };
      } catch (error) {
        const retry =
          error instanceof WrongExpectedRevisionError &&
          options.expectedRevision === undefined &&
          attempt < MAX_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  }

  /**
   * Appends decided events at the revision they were decided on; returns the new revision.
   * The metadata names the loan's coop, member and product (see loan-identity.ts).
   */
  async append(
    loanId: string,
    events: readonly LoanEvent[],
    revision: number | undefined,
    options: Pick<LoanCommandOptions, 'metadata' | 'businessDate'>,
    eventIds: readonly string[] = events.map(() => newEventId()),
  ): Promise<number> {
    invariant(eventIds.length === events.length, 'one id for each event appended');
    const { metadata, businessDate } = options;
    const result = await this.store.append(
      loanStream(loanId),
      events.map((event, index) => {
        const { type, data } = event;
        const id = eventIds[index]!;
        return businessDate
          ? { id, type, schemaVersion: 1, data, metadata, businessDate }
          : { id, type, schemaVersion: 1, data, metadata };
      }),
      { expectedRevision: revision === undefined ? 'no_stream' : revision },
    );
    return result.nextExpectedRevision;
  }
}
