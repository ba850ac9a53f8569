import { v7 as uuidv7 } from 'uuid';
import { rejected } from '@kopfed/domain';
import { WrongExpectedRevisionError } from '@kopfed/eventstore';
import { isCalendarDate } from '@kopfed/eventstore';
import { accountStream, type Accounts } from '../accounts/account-context';
import type { AccountEvent } from '../accounts/account-events';
import { decodeAccount } from '../accounts/account-snapshot';
import type { OpenedAccount } from '../accounts/account-state';
import { accountDecider } from '../accounts/account.decider';
import { MemberMonths } from '../interest/member-months';
import type { CloseWatch } from '../interest/member-postings';
import type { MemberView } from '../membership/membership-directory';
import type { Product } from '../products/product';
import type { IsoDate } from '../shared/dates';
import type { ReadModelProjection } from '../shared/projection';
import { readModelReady } from '../shared/read-model-ready';
import type { TransferService } from '../transfers/transfer-service';
import type { MemberMonth } from '../interest/withholding-tax';
import { firstOpenMonth, memberAccounts, monthsAfter, type DueAccount } from './member-tax';

export interface CloseOfBusinessSummary {
  businessDate: string;
  accountsVisited: number;
  events: Record<string, number>;
  transfersCompleted: number;
  durationMs: number;
  /** True when this date had been closed before: nothing was done this time. */
  alreadyClosed: boolean;
}

const PAGE = 5_000;
/** Accounts with a transfer under way read at once; every page is finished in the run. */
const TRANSFER_PAGE = 10_000;
/** Members decided at once: enough for the store to commit their accounts in large groups. */
const IN_FLIGHT = 512;

/** What the workers of one close of business share: the first failure stops them all. */
interface RunState {
  failed?: { error: unknown };
}

export const closeOfBusinessStream = (date: string) => `closeofbusiness-${date}`;

/** Before any month: the day of a departure the membership directory kept without one. */
const LEFT_ON_UNKNOWN = '0000-01-01';

/**
 * The day the account's member left, null while a member. A member the directory does not know,
 * or whose departure it kept before it kept the day, owes no further wajib month, as before.
 */
function leftOnOf(member: MemberView | undefined): IsoDate | null {
  if (member?.memberActive) return null;
  return member?.leftOn ?? LEFT_ON_UNKNOWN;
}

/**
 * Close of business for a business date: every account with something due that day (from the
 * accounts read model) gets one CloseBusinessDay command, many members at a time so the store
 * commits them together, a member's accounts one after another in account id order, each told
 * what the member's other accounts post in the months it posts interest for (PP 15/2009 taxes
 * the member's month as a whole: see `withholdingTax`); then transfers left half-done (a maturity moving money) are finished; then the
 * date is recorded as closed (`closeofbusiness-<date>`, no_stream), so a second run changes
 * nothing. A run that crashed half-way is simply run again: each account's decision is
 * idempotent by its own state.
 */
export class CloseOfBusiness {
  constructor(
    private readonly accounts: Accounts,
    private readonly projection: ReadModelProjection,
    private readonly transfers: TransferService,
    private readonly transferPage = TRANSFER_PAGE,
    private readonly duePage = PAGE,
  ) {}

  /**
   * The due accounts, and the member rows read again, come from the accounts read model: one
   * that failed or lags answers 503 with Retry-After (the run is simply run again), not 500.
   */
  private caughtUp(): Promise<void> {
    return readModelReady(() => this.projection.catchUp());
  }

  async recorded(businessDate: string): Promise<CloseOfBusinessSummary | undefined> {
    const [event] = await this.accounts.store.readStream(closeOfBusinessStream(businessDate), {
      maxCount: 1,
    });
    return event ? { ...(event.data as CloseOfBusinessSummary), alreadyClosed: true } : undefined;
  }

  async run(businessDate: string): Promise<CloseOfBusinessSummary> {
    if (!isCalendarDate(businessDate))
      throw rejected('bad-business-date', 'Not a calendar date.', '/businessDate');
    if (businessDate >= this.accounts.today()) {
      throw rejected(
        'business-day-not-over',
        `Business date ${businessDate} has not ended yet in Asia/Jakarta.`,
        '/businessDate',
      );
    }
    const earlier = await this.recorded(businessDate);
    if (earlier) return earlier;
    const started = performance.now();
    // Begun before the read model is read: a member closing an account after it is read again.
    const watch = await this.accounts.memberPostings.watch();
    const events: Record<string, number> = {};
    let accountsVisited: number;
    let transfersCompleted: number;
    try {
      await this.caughtUp();
      accountsVisited = await this.closeAccounts(businessDate, watch, events);
      await this.caughtUp();
      transfersCompleted = await this.finishTransfers(businessDate);
    } finally {
      watch.stop();
    }
    const summary = {
      businessDate,
      accountsVisited,
      events,
      transfersCompleted,
      durationMs: Math.round(performance.now() - started),
      alreadyClosed: false,
    };
    try {
      await this.accounts.store.append(
        closeOfBusinessStream(businessDate),
        [
          {
            id: uuidv7(),
            type: 'CloseOfBusinessCompleted',
            schemaVersion: 1,
            data: summary,
            businessDate,
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      return (await this.recorded(businessDate))!;
    }
    return summary;
  }

  private async closeAccounts(
    date: string,
    watch: CloseWatch,
    counts: Record<string, number>,
  ): Promise<number> {
    const products = new Map<string, Promise<Product>>();
    const productOf = (coopId: string, code: string) => {
      const key = `${coopId}\u0000${code}`;
      let found = products.get(key);
      if (!found) products.set(key, (found = this.accounts.catalogue.product(coopId, code)));
      return found;
    };
    const run: RunState = {};
    let visited = 0;
    for (const members of this.dueMembers(date)) {
      // Only a person's accounts that earn interest are taxed together, so posted one by one;
      // any other account is closed on its own, alongside the rest.
      const units = members.flatMap((rows) => {
        const taxed = rows.filter(withTax);
        const alone = rows.filter((row) => !withTax(row)).map((row) => [row]);
        return taxed.length > 0 ? [taxed, ...alone] : alone;
      });
      for (const member of members) visited += member.length;
      let next = 0;
      const worker = async () => {
        for (let unit = units[next++]; unit !== undefined && !run.failed; unit = units[next++]) {
          try {
            await (withTax(unit[0]!)
              ? this.closeMember(date, watch, unit, productOf, counts, run)
              : this.closeAlone(date, unit[0]!, productOf, counts));
          } catch (error) {
            run.failed ??= { error };
          }
        }
      };
      // Every worker has stopped before the run answers: after its first failure none starts
      // another member, and the watch outlives them all (a worker still posting after it
      // stopped would miss a member's close).
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, units.length) }, worker));
      if (run.failed) throw run.failed.error;
    }
    return visited;
  }

  /**
   * The accounts due by `date`, a page of members at a time, each member's accounts together in
   * account id order. A day with few due (most days) reads them by due date at once; otherwise
   * pages go in member order, a member cut short by a full page starting the next one.
   */
  private *dueMembers(date: string): Generator<DueRow[][]> {
    const few = this.accounts.db
      .prepare<[string, number], DueRow>(
        `SELECT ${columns} FROM savings_accounts INDEXED BY savings_accounts_by_due
          WHERE next_due_on <= ? AND status = 'open' LIMIT ?`,
      )
      .all(date, this.duePage + 1);
    if (few.length <= this.duePage) {
      if (few.length > 0) yield byMember(few.sort(memberOrder));
      return;
    }
    const page = this.accounts.db.prepare<[string, string, string, string, number], DueRow>(
      `SELECT ${columns} FROM savings_accounts
        WHERE next_due_on <= ? AND status = 'open' AND (coop_id, member_id, account_id) > (?, ?, ?)
        ORDER BY coop_id, member_id, account_id LIMIT ?`,
    );
    const wholeMember = this.accounts.db.prepare<[string, string, string], DueRow>(MEMBER_DUE);
    let after: [string, string, string] = ['', '', ''];
    for (let guard = 0; guard < 1_000_000; guard++) {
      const rows = page.all(date, ...after, this.duePage);
      if (rows.length === 0) return;
      let members = byMember(rows);
      if (rows.length === this.duePage) {
        const last = members.at(-1)![0]!;
        members =
          members.length > 1
            ? members.slice(0, -1)
            : [wholeMember.all(last.coop_id, last.member_id, date)];
      }
      const lastRow = members.at(-1)!.at(-1)!;
      after = [lastRow.coop_id, lastRow.member_id, lastRow.account_id];
      yield members;
    }
  }

  /**
   * One person's due accounts that earn interest, one after another, under the member's turn
   * (closes wait for it, see `MemberPostings`): each is told what the member's other accounts
   * have posted in the months it posts interest for, and what those after it post now (decided
   * ahead), so the month's tax falls on all of them in proportion (see `withholdingTax`). A
   * close of the member's that ran since `watch` began (here or on another instance) changed
   * what was read: it is read again, once the read model has it.
   */
  private async closeMember(
    date: string,
    watch: CloseWatch,
    rows: readonly DueRow[],
    productOf: (coopId: string, code: string) => Promise<Product>,
    counts: Record<string, number>,
    run: RunState,
  ): Promise<void> {
    const { coop_id: coopId, member_id: memberId } = rows[0]!;
    let due = await this.dueAccounts(date, rows, productOf);
    const postings = this.accounts.memberPostings;
    const stopped = () => run.failed !== undefined;
    await postings.run(
      coopId,
      memberId,
      async () => {
        // The run failed while this member waited for its turn: it is posted when run again.
        if (stopped()) return;
        if (await watch.closedSince(coopId, memberId)) {
          await this.caughtUp();
          due = await this.dueAccounts(
            date,
            this.memberRows(coopId, memberId, date).filter(withTax),
            productOf,
          );
        }
        if (due.length === 0) return;
        const first = firstOpenMonth(due);
        const months =
          first === undefined
            ? undefined
            : new MemberMonths(
                memberAccounts(this.accounts.interestPosted(coopId, memberId, first), due),
              );
        for (const account of due) {
          const memberInterest = months?.for(account.accountId);
          const events = await this.closeOne(date, account, memberInterest, counts);
          months?.done(account.accountId, monthsAfter(months.postedBy(account.accountId), events));
        }
      },
      stopped,
    );
  }

  /** An account no tax ties to others (a coop's, or one without interest). */
  private async closeAlone(
    date: string,
    row: DueRow,
    productOf: (coopId: string, code: string) => Promise<Product>,
    counts: Record<string, number>,
  ): Promise<void> {
    const [account] = await this.dueAccounts(date, [row], productOf);
    await this.closeOne(date, account!, undefined, counts);
  }

  private async dueAccounts(
    date: string,
    rows: readonly DueRow[],
    productOf: (coopId: string, code: string) => Promise<Product>,
  ): Promise<DueAccount[]> {
    if (rows.length === 0) return [];
    const memberLeftOn = leftOnOf(
      this.accounts.members.member(rows[0]!.coop_id, rows[0]!.member_id),
    );
    return Promise.all(
      rows.map(async (row) => ({
        row,
        accountId: row.account_id,
        state: stateOf(row),
        command: {
          type: 'CloseBusinessDay' as const,
          date,
          product: await productOf(row.coop_id, row.product_code),
          memberLeftOn,
        },
      })),
    );
  }

  private async closeOne(
    date: string,
    { row, accountId, state, command }: DueAccount,
    memberInterest: MemberMonth[] | undefined,
    counts: Record<string, number>,
  ): Promise<AccountEvent[]> {
    const metadata = {
      correlationId: `close-of-business-${date}`,
      causationId: `close-of-business-${date}`,
    };
    // A row written before finished holds were kept is no starting point: the state this
    // leaves in the cache would let a later hold reuse an id (see `accountSnapshots`).
    const hint = state.finishedHolds === null ? undefined : { state, revision: row.revision };
    const result = await this.accounts.aggregates.execute(
      accountStream(accountId),
      (state) =>
        accountDecider.decide(memberInterest ? { ...command, memberInterest } : command, state),
      { metadata, ...(hint ? { hint } : {}) },
    );
    count(counts, result.events);
    return result.events;
  }

  /** The member's accounts due by `date`, as the read model has them now, in account id order. */
  private memberRows(coopId: string, memberId: string, date: string): DueRow[] {
    return this.accounts.db
      .prepare<[string, string, string], DueRow>(MEMBER_DUE)
      .all(coopId, memberId, date);
  }

  private async finishTransfers(date: string): Promise<number> {
    // Paged by account id: a finished account leaves the read model's list only once it catches up.
    const page = this.accounts.db.prepare<[string, number], { account_id: string }>(
      `SELECT account_id FROM savings_accounts WHERE pending_transfers > 0 AND account_id > ?
        ORDER BY account_id LIMIT ?`,
    );
    let finished = 0;
    const metadata = { correlationId: `close-of-business-${date}` };
    for (let after = '', guard = 0; guard < 1_000_000; guard++) {
      const rows = page.all(after, this.transferPage);
      if (rows.length === 0) break;
      after = rows.at(-1)!.account_id;
      for (const row of rows) {
        const { state } = await this.accounts.aggregates.load(accountStream(row.account_id));
        if (state.status === 'none') continue;
        for (const [transferId, pending] of Object.entries(state.transfersOut)) {
          await this.transfers.complete(
            row.account_id,
            transferId,
            pending.toAccountId,
            pending.amount,
            { metadata },
          );
          finished++;
        }
      }
    }
    return finished;
  }
}

const columns = 'account_id, coop_id, member_id, product_code, revision, state';
const MEMBER_DUE = `SELECT ${columns} FROM savings_accounts
  WHERE coop_id = ? AND member_id = ? AND next_due_on <= ? AND status = 'open'
  ORDER BY account_id`;

interface DueRow {
  account_id: string;
  coop_id: string;
  member_id: string;
  product_code: string;
  revision: number;
  state: string;
  /** `state` decoded, once. */
  decoded?: OpenedAccount;
}

const stateOf = (row: DueRow) => (row.decoded ??= decodeAccount(row.state));
/** A person's account that earns interest: taxed with the member's others (PP 15/2009). */
const withTax = (row: DueRow) => {
  const state = stateOf(row);
  return state.memberKind === 'person' && state.product.interest !== null;
};

const memberOrder = (a: DueRow, b: DueRow) =>
  compare(a.coop_id, b.coop_id) ||
  compare(a.member_id, b.member_id) ||
  compare(a.account_id, b.account_id);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Rows in member order, grouped by member. */
function byMember(rows: readonly DueRow[]): DueRow[][] {
  const members: DueRow[][] = [];
  for (const row of rows) {
    const last = members.at(-1)?.[0];
    if (last?.coop_id === row.coop_id && last.member_id === row.member_id)
      members.at(-1)!.push(row);
    else members.push([row]);
  }
  return members;
}

function count(counts: Record<string, number>, events: readonly AccountEvent[]): void {
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
}
