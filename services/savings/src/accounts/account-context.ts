import { notFound, rejected } from '@kopfed/domain';
import type { EventStore } from '@kopfed/eventstore';
import type Database from 'better-sqlite3';
import type { MembershipDirectory } from '../membership/membership-directory';
import type { CatalogueStore } from '../products/catalogue-store';
import { AggregateStore } from '../shared/aggregate-store';
import type { MemberAccountMonths } from '../interest/member-months';
import { MemberPostings } from '../interest/member-postings';
import { memberMonthsFor } from '../interest/member-months';
import type { MemberMonth, MonthTax } from '../interest/withholding-tax';
import { addDays, businessDateOf, monthOf, type IsoDate } from '../shared/dates';
import type { Context, Membership } from './account-commands';
import type { AccountEvent } from './account-events';
import { accountSnapshots } from './account-projection';
import {
  evolveAccount,
  initialAccountState,
  type AccountState,
  type OpenedAccount,
} from './account-state';

/** Who holds the account and under which product: every account event carries it for its consumers. */
export interface AccountFacts {
  memberId: string;
  memberKind: 'person' | 'coop';
  memberCoopId: string | null;
  product: {
    code: string;
    kind: OpenedAccount['product']['kind'];
    classification: 'equity' | 'liability';
  };
}

export function accountFacts(account: OpenedAccount): AccountFacts {
  const { code, kind, classification } = account.product;
  return {
    memberId: account.memberId,
    memberKind: account.memberKind,
    memberCoopId: account.memberCoopId,
    product: { code, kind, classification },
  };
}

interface MonthRow {
  account_id: string;
  month: string;
  gross: bigint;
  tax: bigint;
}

export const accountStream = (accountId: string) => `account-${accountId}`;

/** Everything the account use cases share: the store, the aggregates, the catalogue, the members, the time. */
export class Accounts {
  readonly aggregates: AggregateStore<AccountState, AccountEvent>;
  private interestMonths: Database.Statement<[string, string, string], MonthRow> | undefined;

  constructor(
    readonly store: EventStore,
    readonly db: Database.Database,
    readonly catalogue: CatalogueStore,
    readonly members: MembershipDirectory,
    readonly clock: () => Date,
    /** A member's interest postings, one at a time (closes and close of business). */
    readonly memberPostings = new MemberPostings(),
  ) {
    this.aggregates = new AggregateStore<AccountState, AccountEvent>(store, {
      initialState: initialAccountState,
      evolve: evolveAccount,
      snapshot: accountSnapshots(db),
      businessDateOf: (event) =>
        event.type === 'AccountOpened' ? event.data.openedOn : event.data.on,
      metadataOf: (state) =>
        state.status === 'none'
          ? undefined
          : { coopId: state.coopId, account: accountFacts(state) },
    });
  }

  /**
   * The interest and tax each of a member's accounts has posted in each month from `fromMonth`,
   * as the accounts read model has them, in account id order.
   */
  interestPosted(coopId: string, memberId: string, fromMonth: string): MemberAccountMonths[] {
    this.interestMonths ??= this.db
      .prepare<[string, string, string], MonthRow>(
        `SELECT account_id, month, gross, tax FROM savings_interest_months
          WHERE coop_id = ? AND member_id = ? AND month >= ? ORDER BY account_id, month`,
      )
      .safeIntegers(true);
    const accounts: { accountId: string; posted: MonthTax[]; posting: [] }[] = [];
    for (const { account_id: accountId, month, gross, tax } of this.interestMonths.all(
      coopId,
      memberId,
      fromMonth,
    )) {
      let account = accounts.at(-1);
      if (account?.accountId !== accountId) {
        account = { accountId, posted: [], posting: [] };
        accounts.push(account);
      }
      account.posted.push({ month, gross, tax });
    }
    return accounts;
  }

  /**
   * What the member's other accounts have posted in the months the account's next interest can
   * fall in, for the tax on interest a command outside close of business posts (a close). A
   * member that is a coop pays none: nothing to read.
   */
  memberInterest(account: OpenedAccount): MemberMonth[] {
    if (account.memberKind === 'coop' || !account.product.interest) return [];
    const from = monthOf(addDays(account.interest.postedThrough, 1));
    return memberMonthsFor(
      account.accountId,
      this.interestPosted(account.coopId, account.memberId, from),
    );
  }

  today(): IsoDate {
    return businessDateOf(this.clock());
  }

  now(): string {
    return this.clock().toISOString();
  }

  membershipOf(coopId: string, memberId: string): Membership {
    const member = this.members.member(coopId, memberId);
    return member ?? { memberActive: false, coopStatus: 'exited' };
  }

  /** The account as of now, refused as not found when it belongs to another coop. */
  async account(
    coopId: string,
    accountId: string,
  ): Promise<{ account: OpenedAccount; revision: number }> {
    const { state, revision } = await this.aggregates.load(accountStream(accountId));
    if (state.status === 'none' || state.coopId !== coopId || revision === undefined) {
      throw notFound('account-not-found', `Coop ${coopId} has no savings account ${accountId}.`);
    }
    return { account: state, revision };
  }

  /**
   * The account as this process last saw it (falling back to the store): enough to find its
   * product and member before a command, which then reads the stream itself.
   */
  async known(coopId: string, accountId: string): Promise<OpenedAccount> {
    const peeked = this.aggregates.peek(accountStream(accountId))?.state;
    if (peeked && peeked.status !== 'none' && peeked.coopId === coopId) return peeked;
    return (await this.account(coopId, accountId)).account;
  }

  /** The day, the instant, the product and the member, for a command on this account. */
  async contextFor(account: OpenedAccount, on?: IsoDate): Promise<Context> {
    const product = await this.catalogue.product(account.coopId, account.product.code).catch(() => {
      throw rejected(
        'product-not-found',
        `Product ${account.product.code} is no longer in the catalogue.`,
      );
    });
    return {
      on: on ?? this.today(),
      now: this.now(),
      product,
      membership: this.membershipOf(account.coopId, account.memberId),
    };
  }
}
