import { rejected } from '@kopfed/domain';
import { isAccountCode, typeOfCode, type Account, type AccountCode } from './account';
import { DEFAULT_ACCOUNTS, DEFAULT_ROLES } from './default-chart';

/** The accounts the ledger itself posts to. */
export interface ChartRoles {
  /** SHU tahun berjalan: the year-end close moves the year's result here. */
  currentYearShu: AccountCode;
  /** SHU ditahan: what the RAT left of the previous result moves here at the next close. */
  retainedShu: AccountCode;
}

export interface Chart {
  readonly accounts: ReadonlyMap<AccountCode, Account>;
  readonly roles: ChartRoles;
}

/** A coop's amendments to its chart: accounts added or replaced by code, removed, roles. */
export interface ChartChanges {
  upsert?: readonly Account[];
  remove?: readonly AccountCode[];
  roles?: Partial<ChartRoles>;
}

const MAX_ACCOUNTS = 5_000;
const MAX_DEPTH = 8;

/** Every way the accounts and roles break the chart's rules; empty when they are a chart. */
export function chartProblems(accounts: readonly Account[], roles: ChartRoles): string[] {
  const problems: string[] = [];
  if (accounts.length > MAX_ACCOUNTS) problems.push(`more than ${MAX_ACCOUNTS} accounts`);
  const byCode = new Map<AccountCode, Account>();
  for (const account of accounts) {
    if (byCode.has(account.code)) problems.push(`${account.code} is defined twice`);
    byCode.set(account.code, account);
  }
  for (const account of accounts) problems.push(...accountProblems(account, byCode));
  for (const [role, code] of Object.entries(roles) as [string, AccountCode][]) {
    const account = byCode.get(code);
    if (!account || !account.postable || account.type !== 'equity') {
      problems.push(`role ${role} must be a postable equity account, not ${code}`);
    }
  }
  if (roles.currentYearShu === roles.retainedShu) {
    problems.push('currentYearShu and retainedShu must be different accounts');
  }
  return problems;
}

function accountProblems(account: Account, byCode: ReadonlyMap<AccountCode, Account>): string[] {
  const { code } = account;
  if (!isAccountCode(code)) return [`${JSON.stringify(code)} is not an account code`];
  const problems: string[] = [];
  if (typeOfCode(code) !== account.type) {
    problems.push(`${code} is a code for ${typeOfCode(code)} accounts, not ${account.type}`);
  }
  if (account.name.trim() === '' || account.name.length > 120) {
    problems.push(`${code} needs a name of 1 to 120 characters`);
  }
  if (!account.postable && (account.balanceRule.kind !== 'none' || account.clearing)) {
    problems.push(`${code} is a header: it takes no balance rule and is no clearing account`);
  }
  let parent = account.parent;
  for (let depth = 0; parent !== undefined; depth++) {
    const above = byCode.get(parent);
    if (!above) return [...problems, `${code} rolls up into unknown ${parent}`];
    if (above.postable) return [...problems, `${code} rolls up into ${parent}, not a header`];
    if (above.type !== account.type) {
      return [...problems, `${code} (${account.type}) rolls up into ${parent} (${above.type})`];
    }
    if (depth >= MAX_DEPTH || above.code === code) {
      return [...problems, `${code} has a parent chain that loops or passes ${MAX_DEPTH} levels`];
    }
    parent = above.parent;
  }
  return problems;
}

/** A checked chart; a DomainError listing the problems otherwise. */
export function chartOf(accounts: readonly Account[], roles: ChartRoles): Chart {
  const problems = chartProblems(accounts, roles);
  if (problems.length > 0) {
    throw rejected('chart-invalid', `The chart is not valid: ${problems.join('; ')}.`, undefined, {
      problems,
    });
  }
  return trustedChart(accounts, roles);
}

/** A chart from accounts already checked (replayed from ChartConfigured). */
export function trustedChart(accounts: readonly Account[], roles: ChartRoles): Chart {
  return { accounts: new Map(accounts.map((a) => [a.code, a])), roles };
}

export function applyChartChanges(base: Chart, changes: ChartChanges): Chart {
  const accounts = new Map(base.accounts);
  for (const code of changes.remove ?? []) accounts.delete(code);
  for (const account of changes.upsert ?? []) accounts.set(account.code, account);
  return chartOf([...accounts.values()], { ...base.roles, ...changes.roles });
}

export const DEFAULT_CHART: Chart = chartOf(DEFAULT_ACCOUNTS, DEFAULT_ROLES);

/** The headers an account rolls up into, nearest first. */
export function ancestorsOf(chart: Chart, code: AccountCode): Account[] {
  const chain: Account[] = [];
  let parent = chart.accounts.get(code)?.parent;
  while (parent !== undefined && chain.length < MAX_DEPTH) {
    const above = chart.accounts.get(parent);
    if (!above) break;
    chain.push(above);
    parent = above.parent;
  }
  return chain;
}
