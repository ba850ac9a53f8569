import { conflict, invariant } from '@kopfed/domain';
import { money } from '@kopfed/money';
import { accountCode, type Account, type AccountCode } from '../chart/account';
import { DEFAULT_CHART, trustedChart, type Chart } from '../chart/chart';
import { credit, debit, type JournalEntry, type JournalLine } from '../journal/entry';
import type { CoopId } from '../ids';
import { entriesAsOf, type AsOf } from './as-of';
import { addLines, trialBalanceOf, type TrialBalance, type Turnovers } from './trial-balance';

/** The federation as a forest: every coop and its parent in the tier above. */
export interface FederationNode {
  coopId: CoopId;
  parentId: CoopId | null;
}

export interface CoopBooks {
  coopId: CoopId;
  chart: Chart;
  entries: readonly JournalEntry[];
}

const MAX_GROUP = 200_000;

/** `root` and every coop below it, root first, breadth first. */
export function groupOf(tree: readonly FederationNode[], root: CoopId): CoopId[] {
  const children = new Map<CoopId, CoopId[]>();
  for (const node of tree) {
    if (node.parentId === null) continue;
    const siblings = children.get(node.parentId) ?? [];
    siblings.push(node.coopId);
    children.set(node.parentId, siblings);
  }
  const group = [root];
  const seen = new Set(group);
  for (let i = 0; i < group.length; i++) {
    invariant(group.length <= MAX_GROUP, `a consolidation group over ${MAX_GROUP} coops`);
    for (const child of children.get(group[i]!) ?? []) {
      if (!seen.has(child)) group.push(child);
      seen.add(child);
    }
  }
  return group;
}

/** Where consolidation parks clearing that one side has posted and the other not yet. */
export const CLEARING_DIFFERENCE: Account = {
  code: accountCode('1-199'),
  name: 'Selisih Kliring Antar Koperasi',
  gloss: 'Unmatched inter-coop clearing (consolidation only)',
  type: 'asset',
  contra: false,
  postable: true,
  balanceRule: { kind: 'none' },
};

/** One chart for the group: the union by code, the first coop's name winning. */
export function mergeCharts(charts: readonly Chart[]): Chart {
  const accounts = new Map<AccountCode, Account>();
  for (const chart of charts) {
    for (const account of chart.accounts.values()) {
      const known = accounts.get(account.code);
      if (known && (known.type !== account.type || known.contra !== account.contra)) {
        throw conflict(
          'chart-conflict',
          `Account ${account.code} means different things in the group.`,
        );
      }
      if (!known) accounts.set(account.code, account);
    }
  }
  if (!accounts.has(CLEARING_DIFFERENCE.code))
    accounts.set(CLEARING_DIFFERENCE.code, CLEARING_DIFFERENCE);
  return trustedChart([...accounts.values()], (charts[0] ?? DEFAULT_CHART).roles);
}

export interface Elimination {
  coopId: CoopId;
  account: AccountCode;
  currency: string;
  /** The debit-positive clearing balance taken out of the consolidated books. */
  eliminatedMinor: bigint;
}

export interface ConsolidatedTrialBalance {
  root: CoopId;
  coops: CoopId[];
  chart: Chart;
  trialBalance: TrialBalance;
  eliminations: Elimination[];
}

export interface ConsolidationOptions {
  asOf?: AsOf;
  /** Take out clearing balances whose counterparty is in the group (default true). */
  eliminateClearing?: boolean;
}

/**
 * The books of `root` and every coop below it, summed by account code (the group shares
 * the default chart's code scheme). Elimination: a clearing balance between two coops of
 * the group is a claim of one on the other — a member's own clearing with its parent
 * mirrors the parent's clearing sub-account for that member — so both are taken out. When
 * both sides have posted they cancel; what is left (a transfer one side has not posted yet)
 * stays visible on 1-199, so the consolidated trial balance still balances and the
 * treasurer sees the gap. Deposits with the parent and intra-group interest are not
 * eliminated: the parent's GL does not split its savings by member coop.
 */
export function consolidatedTrialBalance(
  tree: readonly FederationNode[],
  root: CoopId,
  books: readonly CoopBooks[],
  options: ConsolidationOptions = {},
): ConsolidatedTrialBalance {
  const coops = groupOf(tree, root);
  const inGroup = new Set(coops);
  const parentOf = new Map(tree.map((node) => [node.coopId, node.parentId]));
  const booksOf = new Map<CoopId, CoopBooks[]>();
  for (const book of books) booksOf.set(book.coopId, [...(booksOf.get(book.coopId) ?? []), book]);
  const groupBooks = coops.flatMap((id) => booksOf.get(id) ?? []);
  const turnovers: Turnovers = new Map();
  const eliminations: Elimination[] = [];
  for (const book of groupBooks) {
    const lines = entriesAsOf(book.entries, options.asOf).flatMap((entry) => entry.lines);
    addLines(turnovers, lines);
    if (options.eliminateClearing === false) continue;
    for (const [key, net] of clearingBalances(book.chart, lines)) {
      const [account, currency] = key.split(' ') as [AccountCode, string];
      const counterparty =
        book.chart.accounts.get(account)?.clearing?.counterparty ?? parentOf.get(book.coopId);
      if (net !== 0n && counterparty && inGroup.has(counterparty)) {
        eliminations.push({ coopId: book.coopId, account, currency, eliminatedMinor: net });
      }
    }
  }
  addLines(turnovers, eliminationLines(eliminations));
  const chart = mergeCharts(groupBooks.map((b) => b.chart));
  return { root, coops, chart, trialBalance: trialBalanceOf(turnovers, chart), eliminations };
}

function clearingBalances(chart: Chart, lines: readonly JournalLine[]): Map<string, bigint> {
  const balances = new Map<string, bigint>();
  for (const line of lines) {
    if (!chart.accounts.get(line.account)?.clearing) continue;
    const amount = line.debit ?? line.credit;
    const key = `${line.account} ${amount.currency}`;
    const signed = line.debit !== undefined ? amount.amountMinor : -amount.amountMinor;
    balances.set(key, (balances.get(key) ?? 0n) + signed);
  }
  return balances;
}

/** Lines that empty each eliminated balance, and park their net on CLEARING_DIFFERENCE. */
function eliminationLines(eliminations: readonly Elimination[]): JournalLine[] {
  const lines: JournalLine[] = [];
  const difference = new Map<string, bigint>();
  for (const { account, currency, eliminatedMinor: net } of eliminations) {
    if (net === 0n) continue;
    lines.push(
      net > 0n ? credit(account, money(net, currency)) : debit(account, money(-net, currency)),
    );
    difference.set(currency, (difference.get(currency) ?? 0n) + net);
  }
  for (const [currency, net] of difference) {
    if (net > 0n) lines.push(debit(CLEARING_DIFFERENCE.code, money(net, currency)));
    if (net < 0n) lines.push(credit(CLEARING_DIFFERENCE.code, money(-net, currency)));
  }
  return lines;
}

/** Every entry of the group, for its consolidated SHU statement or general ledger. */
export function groupEntries(
  tree: readonly FederationNode[],
  root: CoopId,
  books: readonly CoopBooks[],
): JournalEntry[] {
  const coops = new Set(groupOf(tree, root));
  return books.filter((b) => coops.has(b.coopId)).flatMap((b) => b.entries);
}
