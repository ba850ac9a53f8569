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
 * What the member's other accounts bring to the tax of `accountId`'s postings, month by month:
 * all they have posted, and what those after it in `accounts` (the order they post in) post in
 * this close of business. A month none of them touches is left out.
 */
export function memberMonthsFor(
  accountId: string,
  accounts: readonly MemberAccountMonths[],
): MemberMonth[] {
  const at = accounts.findIndex((a) => a.accountId === accountId);
  const months = new Map<string, MemberMonth>();
  const monthOf = (month: string) => {
    let found = months.get(month);
    if (!found) months.set(month, (found = { month, gross: 0n, tax: 0n, alongside: 0n }));
    return found;
  };
  accounts.forEach((account, i) => {
    if (i === at) return;
    for (const m of account.posted) {
      const found = monthOf(m.month);
      found.gross += m.gross;
      found.tax += m.tax;
    }
    if (at < 0 || i < at) return;
    for (const m of account.posting) monthOf(m.month).alongside += m.gross;
  });
  return [...months.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}
