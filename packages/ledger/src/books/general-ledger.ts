import { invariant } from '@kopfed/domain';
import { IDR } from '@kopfed/money';
import { toNormal, type AccountCode } from '../chart/account';
import type { Chart } from '../chart/chart';
import { signedMinor, type JournalEntry } from '../journal/entry';
import { instantMs, type BusinessDate } from '../period';

export interface GeneralLedgerLine {
  entryId: string;
  businessDate: BusinessDate;
  recordedAt: string;
  description: string;
  memo?: string;
  debitMinor: bigint;
  creditMinor: bigint;
  /** The running balance after this line, on the account's normal side. */
  balanceMinor: bigint;
}

/** Buku besar: one account's postings in a date range, with its running balance. */
export interface GeneralLedger {
  account: AccountCode;
  name: string;
  currency: string;
  from?: BusinessDate;
  to?: BusinessDate;
  /** The balance brought forward from before `from`, normal side. */
  openingMinor: bigint;
  lines: GeneralLedgerLine[];
  closingMinor: bigint;
}

export interface GeneralLedgerOptions {
  account: AccountCode;
  currency?: string;
  /** Inclusive; from the first entry when absent. */
  from?: BusinessDate;
  /** Inclusive; to the last entry when absent. */
  to?: BusinessDate;
}

/** Lines in business-date order; the same date in recorded order, then journal order. */
export function generalLedger(
  entries: readonly JournalEntry[],
  chart: Chart,
  options: GeneralLedgerOptions,
): GeneralLedger {
  const account = chart.accounts.get(options.account);
  invariant(account, `no account ${options.account} in the chart`);
  const currency = options.currency ?? IDR;
  const { from, to } = options;
  const ordered = entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => to === undefined || entry.businessDate <= to)
    .sort(
      (a, b) =>
        (a.entry.businessDate < b.entry.businessDate
          ? -1
          : a.entry.businessDate > b.entry.businessDate
            ? 1
            : 0) ||
        instantMs(a.entry.recordedAt) - instantMs(b.entry.recordedAt) ||
        a.index - b.index,
    );
  let openingMinor = 0n;
  let balanceMinor = 0n;
  const lines: GeneralLedgerLine[] = [];
  for (const { entry } of ordered) {
    for (const line of entry.lines) {
      if (line.account !== account.code || (line.debit ?? line.credit).currency !== currency)
        continue;
      balanceMinor += toNormal(account, signedMinor(line));
      if (from !== undefined && entry.businessDate < from) {
        openingMinor = balanceMinor;
        continue;
      }
      lines.push({
        entryId: entry.entryId,
        businessDate: entry.businessDate,
        recordedAt: entry.recordedAt,
        description: entry.description,
        ...(line.memo === undefined ? {} : { memo: line.memo }),
        debitMinor: line.debit?.amountMinor ?? 0n,
        creditMinor: line.credit?.amountMinor ?? 0n,
        balanceMinor,
      });
    }
  }
  return {
    account: account.code,
    name: account.name,
    currency,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    openingMinor,
    lines,
    closingMinor: balanceMinor,
  };
}
