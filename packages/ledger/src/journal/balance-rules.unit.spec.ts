import { money } from '@kopfed/money';
import type { Account } from '../chart/account';
import { applyChartChanges, DEFAULT_CHART } from '../chart/chart';
import { code, idr, KAS, KLIRING, PPAP, refusal, SUKARELA } from '../testing/fixtures';
import { assertBalanceRules } from './balance-rules';
import { applyLines, NO_BALANCES, netChanges } from './balances';
import { credit, debit, type JournalLine } from './entry';

const withRule = (account: string, balanceRule: Account['balanceRule']) =>
  applyChartChanges(DEFAULT_CHART, {
    upsert: [{ ...DEFAULT_CHART.accounts.get(code(account))!, balanceRule }],
  });

describe('balance rules', () => {
  const funded = applyLines(NO_BALANCES, [debit(KAS, idr(100)), credit(SUKARELA, idr(100))]);
  const apply =
    (chart = DEFAULT_CHART, lines: JournalLine[], balances = funded) =>
    () =>
      assertBalanceRules(chart, balances, netChanges(lines));

  it('not below zero: on the normal side, for assets, liabilities and contra accounts', () => {
    expect(
      refusal(apply(DEFAULT_CHART, [credit(KAS, idr(100)), debit(SUKARELA, idr(100))])),
    ).toEqual(['none']);
    expect(
      refusal(apply(DEFAULT_CHART, [credit(KAS, idr(101)), debit(KLIRING, idr(101))])),
    ).toEqual(['rejected', 'balance-rule-broken']);
    expect(
      refusal(apply(DEFAULT_CHART, [debit(SUKARELA, idr(101)), credit(KLIRING, idr(101))])),
    ).toEqual(['rejected', 'balance-rule-broken']);
    // Writing off more than was provisioned would turn PPAP into a debit.
    expect(refusal(apply(DEFAULT_CHART, [debit(PPAP, idr(1)), credit(KLIRING, idr(1))]))).toEqual([
      'rejected',
      'balance-rule-broken',
    ]);
  });

  it('a floor allows an overdraft down to it, in its own currency only', () => {
    const chart = withRule('1-110', { kind: 'floor', floor: money(-50n) });
    expect(refusal(apply(chart, [credit(KAS, idr(150)), debit(KLIRING, idr(150))]))).toEqual([
      'none',
    ]);
    expect(refusal(apply(chart, [credit(KAS, idr(151)), debit(KLIRING, idr(151))]))).toEqual([
      'rejected',
      'balance-rule-broken',
    ]);
    const usd = money(1_000n, 'USD');
    expect(refusal(apply(chart, [credit(KAS, usd), debit(KLIRING, usd)]))).toEqual(['none']);
  });

  it('a ceiling caps the balance; a posting may still move a broken balance back', () => {
    const chart = withRule('1-160', { kind: 'ceiling', ceiling: idr(500) });
    expect(
      refusal(
        apply(chart, [debit(KLIRING, idr(500)), credit(KAS, idr(100)), credit(SUKARELA, idr(400))]),
      ),
    ).toEqual(['none']);
    expect(refusal(apply(chart, [debit(KLIRING, idr(501)), credit(SUKARELA, idr(501))]))).toEqual([
      'rejected',
      'balance-rule-broken',
    ]);
    const over = applyLines(NO_BALANCES, [debit(KLIRING, idr(900)), credit(SUKARELA, idr(900))]);
    expect(
      refusal(apply(chart, [credit(KLIRING, idr(100)), debit(SUKARELA, idr(100))], over)),
    ).toEqual(['none']);
  });

  it('says which account, how far, and the limit', () => {
    try {
      apply(DEFAULT_CHART, [credit(KAS, idr(1_500_100)), debit(KLIRING, idr(1_500_100))])();
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({
        message: 'The posting would take 1-110 Kas to -Rp1.500.000, below its limit of Rp0.',
        details: { account: '1-110', currency: 'IDR', balanceAfter: '-1500000', limit: '0' },
      });
    }
  });
});
