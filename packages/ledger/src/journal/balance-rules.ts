import { rejected } from '@kopfed/domain';
import { formatRupiah } from '@kopfed/money';
import { toNormal, type Account, type BalanceRule } from '../chart/account';
import type { Chart } from '../chart/chart';
import { balanceOf, type Balances } from './balances';

/**
 * The limit the rule sets for `currency` on the normal side, and which way it binds; null
 * when the rule says nothing about that currency.
 */
function limitOf(
  rule: BalanceRule,
  currency: string,
): { minor: bigint; bound: 'min' | 'max' } | null {
  switch (rule.kind) {
    case 'none':
      return null;
    case 'not_below_zero':
      return { minor: 0n, bound: 'min' };
    case 'floor':
      return rule.floor.currency === currency
        ? { minor: rule.floor.amountMinor, bound: 'min' }
        : null;
    case 'ceiling':
      return rule.ceiling.currency === currency
        ? { minor: rule.ceiling.amountMinor, bound: 'max' }
        : null;
  }
}

function show(amountMinor: bigint, currency: string): string {
  return currency === 'IDR'
    ? formatRupiah(amountMinor)
    : `${amountMinor} ${currency} (minor units)`;
}

/**
 * Refuses changes that would take or push an account past its balance rule. The rule is
 * judged on the balance of all postings so far, whatever their business dates: a back-dated
 * posting is held to today's balance, not to the balance on its own date.
 */
export function assertBalanceRules(chart: Chart, balances: Balances, changes: Balances): void {
  for (const [code, perCurrency] of changes) {
    const account = chart.accounts.get(code);
    if (!account) continue;
    for (const [currency, change] of perCurrency) {
      assertRule(account, currency, balanceOf(balances, code, currency), change);
    }
  }
}

function assertRule(account: Account, currency: string, before: bigint, change: bigint): void {
  const limit = limitOf(account.balanceRule, currency);
  if (limit === null) return;
  const movement = toNormal(account, change);
  const after = toNormal(account, before + change);
  const breaks =
    limit.bound === 'min'
      ? movement < 0n && after < limit.minor
      : movement > 0n && after > limit.minor;
  if (!breaks) return;
  const which = limit.bound === 'min' ? 'below' : 'above';
  throw rejected(
    'balance-rule-broken',
    `The posting would take ${account.code} ${account.name} to ${show(after, currency)}, ` +
      `${which} its limit of ${show(limit.minor, currency)}.`,
    '/lines',
    {
      account: account.code,
      currency,
      balanceAfter: after.toString(),
      limit: limit.minor.toString(),
      rule: account.balanceRule.kind,
    },
  );
}
