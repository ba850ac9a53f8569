import type Database from 'better-sqlite3';
import { catalog } from '@kopfed/contracts';
import { DomainError, invariant, type DomainErrorKind } from '@kopfed/domain';
import {
  jakartaBusinessDate,
  loadAggregate,
  type EventMetadata,
  type EventStore,
} from '@kopfed/eventstore';
import { integrationEventHandler, SqliteInbox } from '@kopfed/messaging';
import type { ServiceInstance, ServiceModuleDeps } from '@kopfed/service-kit';
import type { Parties } from '../borrowers/parties';
import type { LoanBookProjection } from '../loans/loan-book-projection';
import type { LoanRepository } from '../loans/loan-repository';
import { productDecider, type ProductEvent, type ProductState } from '../products/product.decider';
import { liquidityProductStream, loanStream, productStream } from '../shared/streams';
import {
  liquidityLoanId,
  liquidityLoanRequestId,
  MAX_APPLICATIONS_PER_REQUEST,
  readyToApply,
  REASONS_A_DESIGNATION_ANSWERS,
  type ApplicationTerms,
  type LiquidityLoanRequest,
  type Unanswered,
} from './answer';
import { designationDecider, type DesignationEvent, type DesignationState } from './designation';

export const LIQUIDITY_LOANS_GROUP = 'loan.liquidity-loans';
/**
 * Who applies for the loan when a request is answered on its own, on arrival: no key, so any of
 * the parent's keys may approve it (maker-checker). Designating or applying by hand applies in
 * the caller's key, which then does not approve.
 */
export const LIQUIDITY_APPLICANT = 'kopfed:liquidity-loan-requested';
/** Requests answered at once when the parent designates its product; the rest one at a time. */
export const MAX_ANSWERED_AT_ONCE = 100;

const TABLES = `
  CREATE TABLE IF NOT EXISTS loan_liquidity_requests (
    seq INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    parent_coop_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    coop_id TEXT NOT NULL,
    shortfall TEXT NOT NULL,
    currency TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('unanswered', 'applied')),
    reason TEXT,
    detail TEXT,
    attempted_at TEXT,
    loan_id TEXT,
    application INTEGER
  );
  CREATE INDEX IF NOT EXISTS loan_liquidity_requests_parent
    ON loan_liquidity_requests (parent_coop_id, status, seq);`;

/** Never applied for, and waiting for what a designation changes (or never tried). */
const DESIGNATION_ANSWERS = `WHERE parent_coop_id = @parent AND status = 'unanswered'
  AND (reason IS NULL OR reason IN (SELECT value FROM json_each(@reasons)))`;

/** A table kept before a request could have more than one application: its loan took its id. */
function addApplicationColumns(db: Database.Database): void {
  const columns = db
    .prepare<[], { name: string }>('PRAGMA table_info(loan_liquidity_requests)')
    .all();
  if (columns.some((c) => c.name === 'loan_id')) return;
  db.exec(`ALTER TABLE loan_liquidity_requests ADD COLUMN loan_id TEXT;
    ALTER TABLE loan_liquidity_requests ADD COLUMN application INTEGER;
    UPDATE loan_liquidity_requests SET loan_id = request_id, application = 0
     WHERE status = 'applied';`);
}

/**
 * A request as listed: answered while its current application stands, unanswered again once that
 * application is rejected (reason application_rejected, unless a later attempt said otherwise).
 * `status` as stored only says whether any application was ever recorded.
 */
const LISTED = `SELECT r.*, b.status AS loan_status,
    CASE WHEN r.loan_id IS NULL OR b.status = 'rejected' THEN 'unanswered' ELSE 'applied' END
      AS answer,
    CASE WHEN b.status = 'rejected' AND r.reason IS NULL THEN 'application_rejected'
      ELSE r.reason END AS shown_reason,
    CASE WHEN b.status = 'rejected' AND r.reason IS NULL
      THEN 'loan ' || r.loan_id || ' applied for the request was rejected; apply again by hand'
      ELSE r.detail END AS shown_detail
  FROM loan_liquidity_requests r LEFT JOIN loan_book b ON b.loan_id = r.loan_id`;

type Consumption = NonNullable<ServiceInstance['consumes']>[number];

export interface RequestRow {
  seq: number;
  request_id: string;
  parent_coop_id: string;
  batch_id: string;
  coop_id: string;
  shortfall: string;
  currency: string;
  requested_at: string;
  status: 'unanswered' | 'applied';
  reason: string | null;
  detail: string | null;
  attempted_at: string | null;
  /** The current application's loan, and which application it is (0 the first). */
  loan_id: string | null;
  application: number | null;
  loan_status: string | null;
  answer: 'unanswered' | 'applied';
  shown_reason: string | null;
  shown_detail: string | null;
}

export type Answer =
  | { status: 'applied'; loanId: string; alreadyApplied: boolean }
  | ({ status: 'unanswered'; kind: DomainErrorKind } & Unanswered);

interface Application {
  application: number;
  loanId: string;
}

export interface AnswerOptions {
  appliedBy: string;
  metadata: EventMetadata;
  /** What the treasurer names instead of the designation. */
  terms?: ApplicationTerms;
  /** Apply anew when the current application was rejected: only the treasurer, by hand. */
  afterRejection?: boolean;
}

export interface LiquidityLoanDeps {
  db: Database.Database;
  store: EventStore;
  book: LoanBookProjection;
  loans: LoanRepository;
  parties: Parties;
  clock: () => Date;
  logger: ServiceModuleDeps['logger'];
}

export async function loadDesignation(store: EventStore, coopId: string) {
  return loadAggregate<DesignationState, DesignationEvent>(
    store,
    liquidityProductStream(coopId),
    designationDecider,
    (e) => e as unknown as DesignationEvent,
  );
}

/**
 * The settlement service's LiquidityLoanRequested, answered in the parent coop: each request is
 * kept once (inbox), then applied for as a loan to the borrower coop's membership in the parent,
 * for the shortfall, on the designated product; the application waits for approval and
 * disbursement like any other. A request that cannot be applied for (no designated product, the
 * coop not a member, the product's range, …) is kept unanswered with its reason, never
 * dead-lettered: designating the product answers it, as does the treasurer quoting it.
 */
export class LiquidityLoanRequests {
  private readonly inbox: SqliteInbox;
  private readonly statements;

  constructor(private readonly deps: LiquidityLoanDeps) {
    const { db } = deps;
    db.exec(TABLES);
    addApplicationColumns(db);
    this.inbox = new SqliteInbox(db, LIQUIDITY_LOANS_GROUP);
    this.statements = {
      insert: db.prepare<
        [
          Pick<
            RequestRow,
            | 'request_id'
            | 'parent_coop_id'
            | 'batch_id'
            | 'coop_id'
            | 'shortfall'
            | 'currency'
            | 'requested_at'
          >,
        ]
      >(
        `INSERT INTO loan_liquidity_requests
           (request_id, parent_coop_id, batch_id, coop_id, shortfall, currency, requested_at, status)
         VALUES (@request_id, @parent_coop_id, @batch_id, @coop_id, @shortfall, @currency, @requested_at, 'unanswered')
         ON CONFLICT (request_id) DO NOTHING`,
      ),
      byId: db.prepare<[string], RequestRow>(`${LISTED} WHERE r.request_id = ?`),
      // A later application is never replaced by an earlier one recorded late.
      applied: db.prepare<[{ id: string; loanId: string; application: number; at: string }]>(
        `UPDATE loan_liquidity_requests SET status = 'applied', loan_id = @loanId,
           application = @application, reason = NULL, detail = NULL, attempted_at = @at
          WHERE request_id = @id AND (application IS NULL OR application <= @application)`,
      ),
      // Only while the application the attempt saw is still the current one: an attempt that
      // read the designation before another applied for the request (designating, by hand) does
      // not undo that answer.
      unanswered: db.prepare<
        [{ id: string; seen: number | null; reason: string; detail: string; at: string }]
      >(
        `UPDATE loan_liquidity_requests SET reason = @reason, detail = @detail, attempted_at = @at
          WHERE request_id = @id AND application IS @seen`,
      ),
      list: db.prepare<
        [
          {
            parent: string;
            status: string | null;
            batchId: string | null;
            after: number;
            limit: number;
          },
        ],
        RequestRow
      >(
        `SELECT * FROM (${LISTED} WHERE r.parent_coop_id = @parent
           AND (@batchId IS NULL OR r.batch_id = @batchId) AND r.seq > @after)
          WHERE (@status IS NULL OR answer = @status) ORDER BY seq LIMIT @limit`,
      ),
      designationAnswers: db.prepare<
        [{ parent: string; reasons: string; limit: number }],
        { request_id: string }
      >(
        `SELECT request_id FROM loan_liquidity_requests ${DESIGNATION_ANSWERS} ORDER BY seq LIMIT @limit`,
      ),
      designationAnswersCount: db.prepare<[{ parent: string; reasons: string }], { n: number }>(
        `SELECT count(*) AS n FROM loan_liquidity_requests ${DESIGNATION_ANSWERS}`,
      ),
    };
  }

  /** The consumer of the settlement topic the module hands to its host. */
  consumption(): Consumption {
    return {
      topic: catalog.topicOf('settlement'),
      group: LIQUIDITY_LOANS_GROUP,
      handler: integrationEventHandler(
        catalog,
        async (event) => {
          if (event.name !== 'LiquidityLoanRequested') return;
          const d = event.data;
          const requestId = liquidityLoanRequestId(d.batchId, d.coopId);
          await this.inbox.apply(event.envelope.id, () => {
            this.statements.insert.run({
              request_id: requestId,
              parent_coop_id: d.parentCoopId,
              batch_id: d.batchId,
              coop_id: d.coopId,
              shortfall: d.shortfall.amount,
              currency: d.shortfall.currency,
              requested_at: d.requestedAt,
            });
          });
          // Kept and tried once: a redelivery (or a crash before the try) finds it tried, or not.
          if (this.statements.byId.get(requestId)!.attempted_at !== null) return;
          const answer = await this.answer(requestId, {
            appliedBy: LIQUIDITY_APPLICANT,
            metadata: {
              correlationId: event.envelope.correlationid,
              causationId: event.envelope.id,
              coopId: d.parentCoopId,
            },
          });
          if (answer.status === 'unanswered')
            this.deps.logger.warn(
              { requestId, parentCoopId: d.parentCoopId, reason: answer.reason },
              'liquidity loan request kept unanswered',
            );
        },
        { only: ['LiquidityLoanRequested'] },
      ),
    };
  }

  async get(parentCoopId: string, requestId: string): Promise<RequestRow | undefined> {
    await this.deps.book.catchUp();
    const row = this.statements.byId.get(requestId);
    return row?.parent_coop_id === parentCoopId ? row : undefined;
  }

  async list(
    parentCoopId: string,
    query: {
      status: RequestRow['answer'] | null;
      batchId: string | null;
      after: number;
      limit: number;
    },
  ): Promise<RequestRow[]> {
    await this.deps.book.catchUp();
    return this.statements.list.all({ parent: parentCoopId, ...query });
  }

  /**
   * Applies for the loan that answers a request, unless its current application stands (or was
   * rejected, and `afterRejection` is not asked): the outcome, applied or why not, is kept on the
   * request.
   */
  async answer(requestId: string, options: AnswerOptions): Promise<Answer> {
    const { store, loans, parties, clock } = this.deps;
    const row = this.statements.byId.get(requestId);
    invariant(
      row !== undefined,
      `liquidity loan request ${requestId} is kept before it is answered`,
    );
    const request = requestOf(row);
    const current = await this.currentApplication(requestId);
    if (current !== null) {
      const { state } = await loans.load(current.loanId);
      if (state.status !== 'rejected' || options.afterRejection !== true)
        return this.applied(requestId, current, true);
    }
    const seen = current?.application ?? null;
    const next = seen === null ? 0 : seen + 1;
    if (next >= MAX_APPLICATIONS_PER_REQUEST)
      return this.unanswered(
        requestId,
        seen,
        {
          reason: 'liquidity_loan_applications_exhausted',
          detail: `the request has had ${MAX_APPLICATIONS_PER_REQUEST} applications, each rejected`,
        },
        'conflict',
      );
    const terms =
      options.terms ?? (await loadDesignation(store, request.parentCoopId)).state.designation;
    const memberId = parties.coopMembership(request.parentCoopId, request.coopId);
    const ready = readyToApply(request, terms, memberId);
    if (!ready.ready) return this.unanswered(requestId, seen, ready, 'rejected');
    const { productCode, termMonths } = ready.terms;
    const today = jakartaBusinessDate(clock());
    const application = { application: next, loanId: liquidityLoanId(requestId, next) };
    try {
      const product = await loadAggregate<ProductState, ProductEvent>(
        store,
        productStream(request.parentCoopId, productCode),
        productDecider,
        (e) => e as unknown as ProductEvent,
      );
      await loans.execute(
        application.loanId,
        {
          type: 'ApplyForLoan',
          loanId: application.loanId,
          coopId: request.parentCoopId,
          memberId: ready.memberId,
          productCode: productCode,
          product: product.state,
          facts: parties.factsFor(request.parentCoopId, ready.memberId, today),
          principal: request.shortfallMinor,
          termMonths: termMonths,
          graceMonths: 0,
          collateralSavingsAccountId: null,
          appliedOn: today,
          appliedBy: options.appliedBy,
          externalId: null,
        },
        { metadata: { ...options.metadata, coopId: request.parentCoopId } },
      );
      return this.applied(requestId, application, false);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Answered at the same moment by another delivery or by hand: that application stands.
      if (error.code === 'loan_exists') return this.applied(requestId, application, true);
      const why = { reason: error.code, detail: error.message };
      return this.unanswered(requestId, seen, why, error.kind);
    }
  }

  /** The request's latest application, from the loan streams themselves (not the table). */
  private async currentApplication(requestId: string): Promise<Application | null> {
    let current: Application | null = null;
    for (let application = 0; application < MAX_APPLICATIONS_PER_REQUEST; application++) {
      const loanId = liquidityLoanId(requestId, application);
      if ((await this.deps.store.streamRevision(loanStream(loanId))) === undefined) break;
      current = { application, loanId };
    }
    return current;
  }

  /**
   * Answers the parent's unanswered requests a designation can answer, oldest first, at most
   * MAX_ANSWERED_AT_ONCE; `remaining` counts those left untried (designating again tries them).
   * A request waiting for anything else (its borrower, its currency, a rejected application)
   * is not tried, so any number of them never holds back the rest.
   */
  async answerUnanswered(
    parentCoopId: string,
    options: AnswerOptions,
  ): Promise<{ applied: number; unanswered: number; remaining: number }> {
    const counts = { applied: 0, unanswered: 0 };
    const which = { parent: parentCoopId, reasons: JSON.stringify(REASONS_A_DESIGNATION_ANSWERS) };
    const { n } = this.statements.designationAnswersCount.get(which)!;
    const ids = this.statements.designationAnswers.all({ ...which, limit: MAX_ANSWERED_AT_ONCE });
    for (const { request_id } of ids) {
      const answer = await this.answer(request_id, options);
      counts[answer.status]++;
    }
    return { ...counts, remaining: n - ids.length };
  }

  private applied(requestId: string, current: Application, alreadyApplied: boolean): Answer {
    this.statements.applied.run({ id: requestId, ...current, at: this.now() });
    return { status: 'applied', loanId: current.loanId, alreadyApplied };
  }

  private unanswered(
    requestId: string,
    seen: number | null,
    why: Unanswered,
    kind: DomainErrorKind,
  ): Answer {
    const { reason, detail } = why;
    this.statements.unanswered.run({ id: requestId, seen, reason, detail, at: this.now() });
    return { status: 'unanswered', kind, reason, detail };
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }
}

export function requestOf(row: RequestRow): LiquidityLoanRequest {
  return {
    requestId: row.request_id,
    batchId: row.batch_id,
    parentCoopId: row.parent_coop_id,
    coopId: row.coop_id,
    shortfallMinor: BigInt(row.shortfall),
    currency: row.currency,
    requestedAt: row.requested_at,
  };
}
