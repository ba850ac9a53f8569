import { notFound, rejected } from '@kopfed/domain';
import type { EventStore } from '@kopfed/eventstore';
import {
  accountCode,
  balanceSheet,
  consolidatedTrialBalance,
  coopId as toCoopId,
  entriesAsOf,
  generalLedger,
  groupEntries,
  isAccountCode,
  shuStatement,
  trialBalance,
  typeOfCode,
  YEAR_END_CLOSING,
  type AsOf,
  type BalanceSheet,
  type Chart,
  type ConsolidatedTrialBalance,
  type CoopBooks,
  type FederationNode,
  type GeneralLedger,
  type ShuStatement,
  type TrialBalance,
} from '@kopfed/ledger';
import { IDR } from '@kopfed/money';
import type { CoopDirectory } from '@kopfed/service-kit';
import type { ClosedYear } from '@kopfed/year-end';
import type { LedgerHost } from '../ledger/ledger-host';

const MAX_GROUP = 5_000;

/** A period runs forwards: `from` after `to` is a mistake, not an empty statement. */
function assertPeriod(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && from > to)
    throw rejected('period-reversed', `\`from\` (${from}) is after \`to\` (${to}).`, '/from');
}
const PAGE = 10_000;

/** The books of each coop, and consolidated up the federation tree (BRIEF §2, §5). */
export class BooksService {
  constructor(
    private readonly store: EventStore,
    private readonly host: LedgerHost,
    private readonly directory: CoopDirectory,
  ) {}

  private async books(coopId: string): Promise<{ chart: Chart; coopId: string }> {
    const { chart } = await this.host.state(coopId);
    if (chart === null) throw notFound('ledger-not-found', `Coop ${coopId} has no books here yet.`);
    return { chart, coopId };
  }

  async trialBalance(coopId: string, asOf: AsOf): Promise<TrialBalance> {
    const { chart } = await this.books(coopId);
    return trialBalance(entriesAsOf(await this.host.journal(coopId), asOf), chart);
  }

  async generalLedger(
    coopId: string,
    options: {
      account: string;
      currency?: string;
      from?: string;
      to?: string;
      recordedAt?: string;
    },
  ): Promise<GeneralLedger> {
    assertPeriod(options.from, options.to);
    const { chart } = await this.books(coopId);
    if (!isAccountCode(options.account) || !chart.accounts.has(accountCode(options.account))) {
      throw notFound('account-not-found', `Coop ${coopId} has no account ${options.account}.`);
    }
    const entries = entriesAsOf(
      await this.host.journal(coopId),
      options.recordedAt ? { recordedAt: options.recordedAt } : {},
    );
    return generalLedger(entries, chart, {
      account: accountCode(options.account),
      ...(options.currency ? { currency: options.currency } : {}),
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
    });
  }

  async balanceSheet(coopId: string, asOf: AsOf, currency?: string): Promise<BalanceSheet> {
    const { chart } = await this.books(coopId);
    return balanceSheet(await this.trialBalance(coopId, asOf), chart, currency);
  }

  async shuStatement(
    coopId: string,
    options: { from: string; to: string; currency?: string; recordedAt?: string },
  ): Promise<ShuStatement> {
    assertPeriod(options.from, options.to);
    const { chart } = await this.books(coopId);
    const entries = entriesAsOf(
      await this.host.journal(coopId),
      options.recordedAt ? { recordedAt: options.recordedAt } : {},
    );
    return shuStatement(entries, chart, {
      from: options.from,
      to: options.to,
      ...(options.currency ? { currency: options.currency } : {}),
    });
  }

  /**
   * A financial year the books here have closed: its result (income less expense, in
   * rupiah) as the year-end closing entry put it into SHU tahun berjalan, read from that
   * entry's lines by their account codes, so an account removed from the chart since still
   * counts. A year closed with no income or expense posts no closing entry: its result is 0,
   * not a figure left to the request. `null` when the coop keeps no books here, the year is
   * open, or it is earlier than the first year these books closed (kept elsewhere).
   */
  async closedYear(coopId: string, financialYear: number): Promise<ClosedYear | null> {
    const { chart, firstClosedYear, lastClosedYear } = await this.host.state(coopId);
    if (chart === null || firstClosedYear === null || lastClosedYear === null) return null;
    if (financialYear < firstClosedYear || lastClosedYear < financialYear) return null;
    const carriedForward = lastClosedYear > financialYear;
    const yearEnd = `${financialYear}-12-31`;
    const closing = (await this.host.journal(coopId)).find(
      (entry) => entry.source.type === YEAR_END_CLOSING && entry.businessDate === yearEnd,
    );
    if (!closing) return { result: 0n, carriedForward };
    let result = 0n;
    for (const line of closing.lines) {
      const type = typeOfCode(line.account);
      if (type !== 'income' && type !== 'expense') continue;
      // The closing entry empties the year's income (debits) and expense (credits).
      if (line.debit?.currency === IDR) result += line.debit.amountMinor;
      if (line.credit?.currency === IDR) result -= line.credit.amountMinor;
    }
    return { result, carriedForward };
  }

  /** True when the coop keeps its books here and has not closed `financialYear` yet. */
  async yearOpen(coopId: string, financialYear: number): Promise<boolean> {
    const { chart, lastClosedYear } = await this.host.state(coopId);
    return chart !== null && (lastClosedYear === null || lastClosedYear < financialYear);
  }

  /** Every coop with books here, placed in the tree by the federation directory. */
  private async tree(): Promise<FederationNode[]> {
    const coops = new Set<string>();
    for (let after = 0; ;) {
      const page = await this.store.readAll({
        after,
        types: ['ChartConfigured'],
        categories: ['ledger'],
        maxCount: PAGE,
      });
      for (const event of page) coops.add((event.data as { coopId: string }).coopId);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.position;
    }
    return [...coops].map((id) => {
      const parent = this.directory.parentOf(id);
      return { coopId: toCoopId(id), parentId: parent === undefined ? null : toCoopId(parent) };
    });
  }

  private async groupBooks(
    rootId: string,
  ): Promise<{ tree: FederationNode[]; books: CoopBooks[] }> {
    await this.books(rootId);
    const tree = await this.tree();
    const below = new Set<string>([rootId]);
    for (let grew = true; grew;) {
      grew = false;
      for (const node of tree) {
        if (node.parentId !== null && below.has(node.parentId) && !below.has(node.coopId)) {
          below.add(node.coopId);
          grew = true;
        }
      }
      if (below.size > MAX_GROUP)
        throw rejected('group-too-large', `More than ${MAX_GROUP} coops to consolidate.`);
    }
    const books: CoopBooks[] = [];
    for (const id of below) {
      const { chart } = await this.host.state(id);
      if (chart) books.push({ coopId: toCoopId(id), chart, entries: await this.host.journal(id) });
    }
    return { tree, books };
  }

  async consolidatedTrialBalance(rootId: string, asOf: AsOf): Promise<ConsolidatedTrialBalance> {
    const { tree, books } = await this.groupBooks(rootId);
    return consolidatedTrialBalance(tree, toCoopId(rootId), books, { asOf });
  }

  async consolidatedBalanceSheet(
    rootId: string,
    asOf: AsOf,
    currency?: string,
  ): Promise<{ coops: string[]; sheet: BalanceSheet }> {
    const consolidated = await this.consolidatedTrialBalance(rootId, asOf);
    return {
      coops: consolidated.coops,
      sheet: balanceSheet(consolidated.trialBalance, consolidated.chart, currency),
    };
  }

  async consolidatedShuStatement(
    rootId: string,
    options: { from: string; to: string; currency?: string },
  ): Promise<{ coops: string[]; statement: ShuStatement }> {
    assertPeriod(options.from, options.to);
    const { tree, books } = await this.groupBooks(rootId);
    const consolidated = consolidatedTrialBalance(tree, toCoopId(rootId), books);
    const entries = groupEntries(tree, toCoopId(rootId), books);
    return {
      coops: consolidated.coops,
      statement: shuStatement(entries, consolidated.chart, options),
    };
  }
}
