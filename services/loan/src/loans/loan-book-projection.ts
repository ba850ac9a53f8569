import type { RecordedEvent, SqliteEventStore, Subscription } from '@kopfed/eventstore';
import type { ProductEvent } from '../products/product.decider';
import { decodeLoanState, STATIC_EVENTS } from './loan-codec';
import { evolveLoan } from './loan-evolve';
import {
  isFirstLayout,
  LOAN_BOOK_NAME,
  LOAN_BOOK_TABLES,
  predatesDisbursedVia,
  predatesLateCharges,
  prepareBook,
  rowOf,
} from './loan-book';
import { LOAN_EVENT_TYPES, type LoanEvent } from './loan-events';
import { initialLoanState, type LoanState } from './loan-state';

/**
 * Keeps the loan book, like @kopfed/messaging's SqliteProjection (same checkpoint table, same
 * start / catchUp / rebuild), but a page of events at a time: each loan in the page is read
 * once, evolved through all its events and written once, in the transaction that moves the
 * checkpoint. A close of business appends a few events to every active loan; one write per
 * loan instead of one per event is what keeps it inside its time budget.
 */
export class LoanBookProjection {
  private subscription: Subscription | undefined;
  private failure: unknown;
  private statements: ReturnType<typeof prepareBook>;
  private readonly readCheckpoint;
  private readonly writeCheckpoint;
  private readonly appliedEventAfter;
  readonly checkpointName = `projection:${LOAN_BOOK_NAME}`;
  /** States a writer has just decoded from the book, by loan, so the book need not decode them again. */
  private readonly known = new Map<string, Known>();

  constructor(private readonly store: SqliteEventStore) {
    const db = store.database;
    if (isFirstLayout(db)) dropBook(db, `projection:loan-book-v1`);
    else if (predatesDisbursedVia(db) || predatesLateCharges(db)) dropBook(db, this.checkpointName);
    db.exec(LOAN_BOOK_TABLES);
    this.statements = prepareBook(db);
    this.readCheckpoint = db.prepare<[string], { position: number }>(
      'SELECT position FROM checkpoints WHERE name = ?',
    );
    this.writeCheckpoint = db.prepare<[string, number]>(
      `INSERT INTO checkpoints (name, position) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    );
    this.appliedEventAfter = db.prepare<unknown[], { n: number }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE position > ? AND position <= ?
         AND type IN (${TYPES.map(() => '?').join(', ')}) LIMIT 1)`,
    );
  }

  get position(): number {
    return this.readCheckpoint.get(this.checkpointName)?.position ?? 0;
  }

  start(onError?: (error: unknown) => void): void {
    if (this.subscription) return;
    // A page of the book rides the store's next group commit: no fsync of its own.
    const apply = (events: RecordedEvent[]) => () => {
      this.applyPage(events);
      this.writeCheckpoint.run(this.checkpointName, events[events.length - 1]!.position);
    };
    this.failure = undefined;
    this.subscription = this.store.subscribe({
      after: this.position,
      // More than a close of business appends per page of loans, so the book keeps pace with it.
      // No type filter: the store answers one through its type index and sorts each page by
      // position, while nearly every event in this file is a loan's. Others are skipped here.
      batchSize: 5_000,
      batchHandler: (events) => this.store.commitWith(apply(events)),
      onError: (error) => {
        this.failure = error;
        onError?.(error);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** Resolves once the book reflects every event up to `position` (bounded wait). */
  async catchUp(position?: number, timeoutMs = 120_000): Promise<void> {
    const target = position ?? (await this.store.headPosition());
    const deadline = Date.now() + timeoutMs;
    while (this.position < target && this.matchingEventsAfter(target)) {
      if (this.failure !== undefined)
        throw this.failure instanceof Error
          ? this.failure
          : new Error(JSON.stringify(this.failure));
      if (Date.now() > deadline)
        throw new Error(`the loan book did not reach ${target} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * Hands the book a state its writer decoded from a row at `revision` and is about to append
   * to: applying the new events then starts from it. A state is the fold of its stream up to
   * its revision, so it is the same whoever decoded it; the map is bounded. `after` is the
   * state the writer's own events (by id) lead to: when exactly those events follow, the book
   * takes it instead of evolving them again; any other event is evolved as usual.
   */
  remember(loanId: string, revision: number, state: LoanState, after?: Ahead): void {
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.set(loanId, { revision, state, ahead: after });
  }

  /** Drops the book and rebuilds it from the whole log. */
  async rebuild(): Promise<void> {
    await this.stop();
    this.known.clear();
    const db = this.store.database;
    dropBook(db, this.checkpointName);
    db.exec(LOAN_BOOK_TABLES);
    this.statements = prepareBook(db);
    this.start();
    await this.catchUp();
  }

  private applyPage(events: readonly RecordedEvent[]): void {
    const s = this.statements;
    const touched = new Map<string, Touched>();
    for (const event of events) {
      if (event.type === 'LoanProductVersionDefined') {
        applyProduct(s, event);
        continue;
      }
      if (!LOAN_TYPES.has(event.type)) continue;
      const loanId = event.stream.slice('loan-'.length);
      let entry = touched.get(loanId);
      if (!entry) {
        const known = this.known.get(loanId);
        this.known.delete(loanId);
        if (known && known.revision === event.revision - 1) {
          entry = {
            ...known,
            installments: known.state.installments,
            fixed: false,
            status: known.state.status,
            skipped: [],
          };
        } else {
          const row = s.state.get(loanId);
          const state = row ? decodeLoanState(row) : initialLoanState();
          entry = {
            state,
            revision: -1,
            installments: row ? state.installments : undefined,
            fixed: !row,
            status: state.status,
            ahead: undefined,
            skipped: [],
          };
        }
        touched.set(loanId, entry);
      }
      if (STATIC_EVENTS.has(event.type)) entry.fixed = true;
      const loanEvent = { type: event.type, data: event.data } as LoanEvent;
      const ahead = entry.ahead;
      if (ahead && ahead.ids[entry.skipped.length] === event.id) {
        entry.skipped.push(loanEvent);
        if (entry.skipped.length === ahead.ids.length) {
          entry.state = ahead.state;
          entry.ahead = undefined;
          entry.skipped = [];
        }
      } else {
        entry.state = evolveLoan(caughtUp(entry), loanEvent);
      }
      entry.revision = event.revision;
    }
    // evolveLoan keeps the installments array when they did not change: so does the row. Most
    // nights a loan keeps its status too, and the update touches no indexed column.
    for (const entry of touched.values()) {
      const { revision, installments, fixed, status } = entry;
      const state = caughtUp(entry);
      const row = rowOf(state, revision, { fixed, schedule: state.installments !== installments });
      if (fixed || status !== state.status) s.upsert.run(row);
      else s.nightly.run(row);
      if (row.fixed !== null || row.schedule !== null) s.detail.run(row);
    }
  }

  /** Whether an event the book applies lies after its checkpoint, up to `target`. */
  private matchingEventsAfter(target: number): boolean {
    const row = this.appliedEventAfter.get(this.position, target, ...TYPES);
    return (row?.n ?? 0) > 0;
  }
}

const MAX_KNOWN = 20_000;

/** The state a writer's own events lead to, and their ids in order. */
interface Ahead {
  ids: readonly string[];
  state: LoanState;
}

interface Known {
  revision: number;
  state: LoanState;
  ahead: Ahead | undefined;
}

/** The entry's state with the events held back for its `ahead` state evolved after all. */
function caughtUp(entry: Touched): LoanState {
  if (entry.skipped.length > 0) entry.state = entry.skipped.reduce(evolveLoan, entry.state);
  entry.ahead = undefined;
  entry.skipped = [];
  return entry.state;
}

/** Drops the book's tables and its checkpoint, so the book is replayed from the whole log. */
function dropBook(db: SqliteEventStore['database'], checkpointName: string): void {
  db.transaction(() => {
    db.exec(
      'DROP TABLE IF EXISTS loan_book; DROP TABLE IF EXISTS loan_book_detail; DROP TABLE IF EXISTS loan_products;',
    );
    db.prepare('DELETE FROM checkpoints WHERE name = ?').run(checkpointName);
  }).immediate();
}

interface Touched {
  state: LoanState;
  revision: number;
  /** The installments as read: when evolving leaves them, the stored schedule stands. */
  installments: readonly unknown[] | undefined;
  /** Whether the parts written at origination changed (or the row is new). */
  fixed: boolean;
  /** The status as read. */
  status: LoanState['status'];
  /** Where the writer's own events lead, while they are being met in order. */
  ahead: Ahead | undefined;
  /** The writer's events met so far, not evolved: `state` is before them. */
  skipped: LoanEvent[];
}
const TYPES: readonly string[] = [...LOAN_EVENT_TYPES, 'LoanProductVersionDefined'];
const LOAN_TYPES: ReadonlySet<string> = new Set(LOAN_EVENT_TYPES);

function applyProduct(s: ReturnType<typeof prepareBook>, event: RecordedEvent): void {
  const { coopId, productCode, effectiveFrom, terms } = (event as unknown as ProductEvent).data;
  const row = s.product.get(coopId, productCode);
  const versions: unknown[] = row ? (JSON.parse(row.versions) as unknown[]) : [];
  versions.push({ effectiveFrom, terms });
  s.upsertProduct.run(coopId, productCode, JSON.stringify(versions), event.revision);
}
