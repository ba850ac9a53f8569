import { openingBalances } from './books';
import { parseDemoArgs } from './options';
import { planDemo } from './world';

const plan = planDemo(
  parseDemoArgs(['--coops', '4', '--persons', '200', '--months', '12', '--today', '2026-11-28']),
);

describe('the opening balances of a demo coop', () => {
  it('hold kas for every loan and withdrawal and bank for every transfer sent, in round figures', () => {
    for (const coop of plan.coops) {
      const { cashMinor, bankMinor } = openingBalances(coop, plan.transferRounds);
      const lent = coop.loans.reduce((sum, l) => sum + BigInt(l.principal), 0n);
      const withdrawn = coop.savings
        .flatMap((i) => (i.type === 'withdrawal' ? [BigInt(i.amount.amount)] : []))
        .reduce((sum, amount) => sum + amount, 0n);
      const sent = plan.transferRounds
        .flat()
        .filter((t) => t.fromCoopId === coop.coopId)
        .reduce((sum, t) => sum + BigInt(t.amount), 0n);
      expect(withdrawn).toBeGreaterThan(0n);
      expect(sent).toBeGreaterThan(0n);
      expect(cashMinor).toBeGreaterThanOrEqual(lent + withdrawn);
      expect(cashMinor - (lent + withdrawn)).toBeLessThan(10_000_000n);
      expect(bankMinor).toBeGreaterThanOrEqual(sent);
      expect(bankMinor - sent).toBeLessThan(10_000_000n);
      expect([cashMinor % 10_000_000n, bankMinor % 10_000_000n]).toEqual([0n, 0n]);
    }
  });

  it('are the same for the same seed', () => {
    const again = planDemo(
      parseDemoArgs([
        '--coops',
        '4',
        '--persons',
        '200',
        '--months',
        '12',
        '--today',
        '2026-11-28',
      ]),
    );
    expect(again.coops.map((c) => openingBalances(c, again.transferRounds))).toEqual(
      plan.coops.map((c) => openingBalances(c, plan.transferRounds)),
    );
  });
});
