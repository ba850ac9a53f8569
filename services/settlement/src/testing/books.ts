import { netByCurrency, balancesOf } from '@kopfed/ledger';
import type { Settlement } from '../settlement';

/**
 * Every coop's books balance (Σ debit = Σ credit per currency) once the journal has caught
 * up; consolidated too. The ledger's trial balance itself throws on an unbalanced journal.
 */
export async function expectBooksBalance(
  settlement: Settlement,
  coops: readonly string[],
): Promise<void> {
  await settlement.settle();
  for (const coopId of coops) {
    const state = await settlement.ledgers.state(coopId);
    if (state.chart === null) continue;
    const trial = await settlement.books.trialBalance(coopId, {});
    for (const total of trial.totals) {
      expect(total.debitTurnoverMinor).toBe(total.creditTurnoverMinor);
      expect(total.debitBalanceMinor).toBe(total.creditBalanceMinor);
    }
    for (const net of netByCurrency(balancesOf(trial)).values()) expect(net).toBe(0n);
  }
  for (const root of coops) {
    const state = await settlement.ledgers.state(root);
    if (state.chart === null) continue;
    const consolidated = await settlement.books.consolidatedTrialBalance(root, {});
    for (const total of consolidated.trialBalance.totals)
      expect(total.debitBalanceMinor).toBe(total.creditBalanceMinor);
  }
}
