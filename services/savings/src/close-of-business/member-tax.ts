import type { AccountCommand } from '../accounts/account-commands';
import type { AccountEvent } from '../accounts/account-events';
import type { OpenedAccount } from '../accounts/account-state';
import { accountDecider } from '../accounts/account.decider';
import type { MemberAccountMonths } from '../interest/member-months';
import type { MonthTax } from '../interest/withholding-tax';
import { addDays, monthOf } from '../shared/dates';

type CloseBusinessDay = Extract<AccountCommand, { type: 'CloseBusinessDay' }>;

/** One of the member's accounts due in this close of business, with what closing it needs. */
export interface DueAccount {
  row: { revision: number };
  accountId: string;
  state: OpenedAccount;
  command: CloseBusinessDay;
}

/** The first month any of the accounts can post interest in; undefined when none earns any. */
export function firstOpenMonth(due: readonly DueAccount[]): string | undefined {
  let first: string | undefined;
  for (const { state } of due) {
    if (!state.product.interest) continue;
    const month = monthOf(addDays(state.interest.postedThrough, 1));
    if (first === undefined || month < first) first = month;
  }
  return first;
}

/** The gross each month gains from the interest the events post (whole months as they stand after). */
export function postedByMonth(
  before: MonthTax | null,
  events: readonly AccountEvent[],
): { month: string; gross: bigint }[] {
  const after = new Map<string, bigint>();
  for (const event of events)
    if (event.type === 'InterestPosted')
      for (const m of event.data.months) after.set(m.month, BigInt(m.gross));
  return [...after].map(([month, gross]) => ({
    month,
    gross: gross - (before?.month === month ? before.gross : 0n),
  }));
}

/** The account's months as they stand after the events: the latest posting of each month says. */
export function monthsAfter(
  posted: readonly MonthTax[],
  events: readonly AccountEvent[],
): MonthTax[] {
  const months = new Map(posted.map((m) => [m.month, m]));
  for (const event of events)
    if (event.type === 'InterestPosted')
      for (const m of event.data.months)
        months.set(m.month, { month: m.month, gross: BigInt(m.gross), tax: BigInt(m.tax) });
  return [...months.values()];
}

/**
 * The member's accounts for the tax of this close of business, in the order they post (account
 * id): what each has posted from `posted` (the read model), and what each due account would post
 * now, decided ahead without the tax (the due accounts are `due`, in account id order). A due
 * account whose decision fails here posts nothing ahead; its close fails again on its own.
 */
export function memberAccounts(
  posted: readonly MemberAccountMonths[],
  due: readonly DueAccount[],
): MemberAccountMonths[] {
  const byId = new Map(posted.map((a) => [a.accountId, a]));
  const dueIds = new Set(due.map((d) => d.accountId));
  const accounts = posted.filter((a) => !dueIds.has(a.accountId));
  for (const { accountId, state, command } of due) {
    let events: AccountEvent[] = [];
    if (due.length > 1 && state.product.interest) {
      try {
        events = accountDecider.decide(command, state);
      } catch {
        events = [];
      }
    }
    accounts.push({
      accountId,
      posted: byId.get(accountId)?.posted ?? [],
      posting: postedByMonth(state.interest.lastMonth, events),
    });
  }
  return accounts;
}
