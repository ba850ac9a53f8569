import type { MemberMonth, MonthTax } from './withholding-tax';

/** One of a member's accounts in a close of business: what it has posted, and what it posts now. */
export interface MemberAccountMonths {
  accountId: string;
  /** This account's own gross and tax in each month it has posted in. */
  posted: readonly MonthTax[];
  /** The gross it posts in this close of business, by month. */
  posting: readonly { month: string; gross: bigint }[];
}

/**
 * A member's months as its accounts post one after another, in the order given: the running
 * totals of all they have posted, and of what those yet to post will post (`alongside`). Each
 * account's months cost one pass over its own months, however many accounts the member has.
 */
export class MemberMonths {
  private readonly accounts = new Map<string, MemberAccountMonths>();
  private readonly posted = new Map<string, { gross: bigint; tax: bigint }>();
  private readonly ahead = new Map<string, bigint>();

  constructor(accounts: readonly MemberAccountMonths[]) {
    for (const account of accounts) {
      this.accounts.set(account.accountId, account);
      this.add(account, 1n);
    }
  }

  /**
   * What the member's other accounts bring to the tax of `accountId`'s postings, month by month:
   * all they have posted, and what those not yet `posted` post in this close of business. A
   * month none of them touches is left out.
   */
  for(accountId: string): MemberMonth[] {
    const own = this.accounts.get(accountId);
    const months = new Map<string, MemberMonth>();
    for (const [month, { gross, tax }] of this.posted)
      months.set(month, { month, gross, tax, alongside: this.ahead.get(month) ?? 0n });
    for (const [month, gross] of this.ahead)
      if (!months.has(month)) months.set(month, { month, gross: 0n, tax: 0n, alongside: gross });
    for (const m of own?.posted ?? []) {
      const found = months.get(m.month)!;
      found.gross -= m.gross;
      found.tax -= m.tax;
    }
    for (const m of own?.posting ?? []) months.get(m.month)!.alongside -= m.gross;
    return [...months.values()]
      .filter((m) => m.gross !== 0n || m.tax !== 0n || m.alongside !== 0n)
      .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  }

  /** The account has posted: its months now stand as `posted`, and it posts nothing more. */
  done(accountId: string, posted: readonly MonthTax[]): void {
    const before = this.accounts.get(accountId);
    if (before) this.add(before, -1n);
    const after = { accountId, posted, posting: [] };
    this.accounts.set(accountId, after);
    this.add(after, 1n);
  }

  /** The account's own months as they stand. */
  postedBy(accountId: string): readonly MonthTax[] {
    return this.accounts.get(accountId)?.posted ?? [];
  }

  private add(account: MemberAccountMonths, sign: bigint): void {
    for (const m of account.posted) {
      const found = this.posted.get(m.month) ?? { gross: 0n, tax: 0n };
      this.posted.set(m.month, {
        gross: found.gross + sign * m.gross,
        tax: found.tax + sign * m.tax,
      });
    }
    for (const m of account.posting)
      this.ahead.set(m.month, (this.ahead.get(m.month) ?? 0n) + sign * m.gross);
  }
}

/**
 * What the member's other accounts bring to the tax of `accountId`'s postings: all they have
 * posted, and what those after it in `accounts` (the order they post in) post in this close of
 * business. A month none of them touches is left out.
 */
export function memberMonthsFor(
  accountId: string,
  accounts: readonly MemberAccountMonths[],
): MemberMonth[] {
  const months = new MemberMonths(accounts);
  const at = accounts.findIndex((a) => a.accountId === accountId);
  // Those before it have posted already; with no place in the order, none posts alongside.
  for (const [i, account] of accounts.entries())
    if (account.accountId !== accountId && (at < 0 || i < at))
      months.done(account.accountId, account.posted);
  return months.for(accountId);
}
