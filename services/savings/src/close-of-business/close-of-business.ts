import { v7 as uuidv7 } from 'uuid';
import { rejected } from '@kopfed/domain';
import { WrongExpectedRevisionError } from '@kopfed/eventstore';
import { isCalendarDate } from '@kopfed/eventstore';
import { accountStream, type Accounts } from '../accounts/account-context';
import type { AccountEvent } from '../accounts/account-events';
import { decodeAccount } from '../accounts/account-snapshot';
import { accountDecider } from '../accounts/account.decider';
import type { MemberView } from '../membership/membership-directory';
import type { Product } from '../products/product';
import type { IsoDate } from '../shared/dates';
import type { ReadModelProjection } from '../shared/projection';
import type { TransferService } from '../transfers/transfer-service';

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
/** Accounts decided at once: enough for the store to commit them in large groups. */
const IN_FLIGHT = 512;

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
 * accounts read model) gets one CloseBusinessDay command, many at a time so the store commits
 * them together; then transfers left half-done (a maturity moving money) are finished; then the
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
  ) {}

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
    await this.projection.catchUp();
    const events: Record<string, number> = {};
    const accountsVisited = await this.closeAccounts(businessDate, events);
    await this.projection.catchUp();
    const transfersCompleted = await this.finishTransfers(businessDate);
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

  private async closeAccounts(date: string, counts: Record<string, number>): Promise<number> {
    const page = this.accounts.db.prepare<[string, string, number], DueRow>(
      `SELECT account_id, coop_id, member_id, product_code, revision, state FROM savings_accounts
        WHERE next_due_on <= ? AND status = 'open' AND account_id > ? ORDER BY account_id LIMIT ?`,
    );
    const products = new Map<string, Promise<Product>>();
    const productOf = (coopId: string, code: string) => {
      const key = `${coopId}\u0000${code}`;
      let found = products.get(key);
      if (!found) products.set(key, (found = this.accounts.catalogue.product(coopId, code)));
      return found;
    };
    const metadata = {
      correlationId: `close-of-business-${date}`,
      causationId: `close-of-business-${date}`,
    };
    let visited = 0;
    for (let after = '', guard = 0; guard < 1_000_000; guard++) {
      const rows = page.all(date, after, PAGE);
      if (rows.length === 0) break;
      after = rows.at(-1)!.account_id;
      visited += rows.length;
      let next = 0;
      const worker = async () => {
        for (let row = rows[next++]; row !== undefined; row = rows[next++]) {
          const product = await productOf(row.coop_id, row.product_code);
          const memberLeftOn = leftOnOf(this.accounts.members.member(row.coop_id, row.member_id));
          const state = decodeAccount(row.state);
          // A row written before finished holds were kept is no starting point: the state this
          // leaves in the cache would let a later hold reuse an id (see `accountSnapshots`).
          const hint = state.finishedHolds === null ? undefined : { state, revision: row.revision };
          const result = await this.accounts.aggregates.execute(
            accountStream(row.account_id),
            (state) =>
              accountDecider.decide(
                { type: 'CloseBusinessDay', date, product, memberLeftOn },
                state,
              ),
            { metadata, ...(hint ? { hint } : {}) },
          );
          count(counts, result.events);
        }
      };
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, rows.length) }, worker));
    }
    return visited;
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

interface DueRow {
  account_id: string;
  coop_id: string;
  member_id: string;
  product_code: string;
  revision: number;
  state: string;
}

function count(counts: Record<string, number>, events: readonly AccountEvent[]): void {
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
}
