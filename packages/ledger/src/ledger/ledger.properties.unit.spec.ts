import fc from 'fast-check';
import { toNormal } from '../chart/account';
import { DEFAULT_CHART, type Chart } from '../chart/chart';
import { balanceSheet } from '../books/balance-sheet';
import { consolidatedTrialBalance } from '../books/consolidation';
import { entriesAsOf } from '../books/as-of';
import { shuStatement } from '../books/shu-statement';
import { balancesOf, trialBalance } from '../books/trial-balance';
import { balancesToRecord, combine, netByCurrency, type Balances } from '../journal/balances';
import { YEAR_END_CLOSING, type JournalEntry } from '../journal/entry';
import { coopId, entryId, type CoopId } from '../ids';
import { businessDate, entries, UNRULED_CHART } from '../testing/arbitraries';
import { run, SHU_BERJALAN } from '../testing/fixtures';
import type { LedgerCommand, LedgerEvent } from './ledger-model';
import { journalOf } from './journal';
import { balancesAtYearEnd } from './ledger-state';

const [P, A, B] = ['PUSKOPDIT', 'KSP-A', 'KSP-B'].map(coopId) as [CoopId, CoopId, CoopId];
const tree = [
  { coopId: P, parentId: null },
  { coopId: A, parentId: P },
  { coopId: B, parentId: P },
];

const configured = (coop: CoopId, chart: Chart = UNRULED_CHART): LedgerEvent => ({
  type: 'ChartConfigured',
  data: {
    coopId: coop,
    accounts: [...chart.accounts.values()],
    roles: chart.roles,
    configuredAt: '2025-01-01T00:00:00.000Z',
  },
});
const postAll = (list: readonly JournalEntry[]): LedgerCommand[] =>
  list.map((entry) => ({ type: 'PostEntry', entry }));
const allZero = (totals: Map<string, bigint>) => [...totals.values()].every((v) => v === 0n);
const same = (a: Balances, b: Balances) => expect(balancesToRecord(a)).toEqual(balancesToRecord(b));

function ledgerOf(coop: CoopId, list: readonly JournalEntry[]) {
  const result = run(postAll(list), [configured(coop)]);
  expect(result.refused).toBe(0);
  return { ...result, journal: journalOf(result.events) };
}

describe('ledger properties', () => {
  it('keeps Σ debit = Σ credit per coop and consolidated, with or without elimination', () => {
    fc.assert(
      fc.property(entries(P), entries(A), entries(B), (ep, ea, eb) => {
        const ledgers = [ledgerOf(P, ep), ledgerOf(A, ea), ledgerOf(B, eb)];
        for (const { state } of ledgers) expect(allZero(netByCurrency(state.balances))).toBe(true);
        const books = ledgers.map((l, i) => ({
          coopId: [P, A, B][i]!,
          chart: UNRULED_CHART,
          entries: l.journal,
        }));
        for (const eliminateClearing of [true, false]) {
          const { trialBalance: tb } = consolidatedTrialBalance(tree, P, books, {
            eliminateClearing,
          });
          for (const t of tb.totals) {
            expect(t.debitTurnoverMinor).toBe(t.creditTurnoverMinor);
            expect(t.debitBalanceMinor).toBe(t.creditBalanceMinor);
          }
          expect(allZero(netByCurrency(balancesOf(tb)))).toBe(true);
        }
      }),
    );
  });

  it('computes from the journal the same balances the decider state keeps', () => {
    fc.assert(
      fc.property(entries(A, { maxLength: 40 }), (list) => {
        const { state, journal } = ledgerOf(A, list);
        same(balancesOf(trialBalance(journal, UNRULED_CHART)), state.balances);
        for (const year of [2025, 2026, 2027]) {
          const asOf = entriesAsOf(journal, { businessDate: `${year}-12-31` });
          same(balancesOf(trialBalance(asOf, UNRULED_CHART)), balancesAtYearEnd(state, year));
        }
      }),
    );
  });

  it('restores every balance when an entry is reversed', () => {
    fc.assert(
      fc.property(entries(A), fc.nat(), (list, pick) => {
        const k = pick % list.length;
        const original = list[k]!;
        const { state, events } = ledgerOf(A, list);
        const reversed = run(
          [
            {
              type: 'ReverseEntry',
              original,
              reversalEntryId: entryId('reversal'),
              sourceEventId: 'reversal-request',
              businessDate: '2027-12-31',
              recordedAt: '2028-02-01T00:00:00.000Z',
              reason: 'koreksi',
            },
          ],
          events,
        );
        expect(reversed.refused).toBe(0);
        const without = ledgerOf(
          A,
          list.filter((_, i) => i !== k),
        );
        same(reversed.state.balances, without.state.balances);
        expect(state.reversed.size).toBe(0);
        expect(reversed.state.reversed.has(original.entryId)).toBe(true);
      }),
    );
  });

  it('balances the neraca as of any date, in every currency', () => {
    fc.assert(
      fc.property(entries(A), businessDate, (list, asOf) => {
        const trial = trialBalance(entriesAsOf(list, { businessDate: asOf }), UNRULED_CHART);
        for (const currency of ['IDR', 'USD']) {
          const sheet = balanceSheet(trial, UNRULED_CHART, currency);
          expect(sheet.totalAssetsMinor).toBe(
            sheet.totalLiabilitiesMinor + sheet.totalEquityMinor + sheet.currentResultMinor,
          );
        }
      }),
    );
  });

  it('closes a year into SHU tahun berjalan exactly the SHU statement result', () => {
    const dates2026to2027 = businessDate.filter((d) => d >= '2026');
    fc.assert(
      fc.property(entries(A, { dates: dates2026to2027 }), (list) => {
        const { events } = ledgerOf(A, list);
        const closed = run(
          [
            {
              type: 'ClosePeriod',
              coopId: A,
              period: { kind: 'year', year: 2026 },
              today: '2028-01-02',
              closedAt: '2028-01-02T00:00:00.000Z',
              closingEntryId: entryId('close-2026'),
              rollForwardEntryId: entryId('roll-2026'),
            },
          ],
          events,
        );
        // Books holding nothing dated in 2026 or before have not begun: the close is refused.
        const begun = journalOf(events).some((e) => e.businessDate <= '2026-12-31');
        expect(closed.refused).toBe(begun ? 0 : 1);
        if (!begun) return;
        const journal = journalOf(closed.events);
        const closing = journal.find((e) => e.source.type === YEAR_END_CLOSING);
        const atYearEnd = balancesAtYearEnd(closed.state, 2026).get(SHU_BERJALAN);
        const shuAccount = UNRULED_CHART.accounts.get(SHU_BERJALAN)!;
        for (const currency of ['IDR', 'USD']) {
          const { resultMinor } = shuStatement(journal, UNRULED_CHART, {
            from: '2026-01-01',
            to: '2026-12-31',
            currency,
          });
          const change = (closing?.lines ?? [])
            .filter(
              (l) => l.account === SHU_BERJALAN && (l.debit ?? l.credit).currency === currency,
            )
            .reduce(
              (sum, l) => sum + (l.credit?.amountMinor ?? 0n) - (l.debit?.amountMinor ?? 0n),
              0n,
            );
          expect(change).toBe(resultMinor);
          expect(toNormal(shuAccount, atYearEnd?.get(currency) ?? 0n)).toBe(resultMinor);
        }
        const open2026 = balancesAtYearEnd(closed.state, 2026);
        for (const [account, perCurrency] of open2026) {
          if (account.startsWith('4') || account.startsWith('5')) expect(perCurrency.size).toBe(0);
        }
      }),
    );
  });

  it('books as of a date or an instant include exactly the entries up to it', () => {
    const instant = fc
      .integer({ min: 0, max: 30 })
      .map((s) => new Date(Date.UTC(2028, 0, 1, 0, 0, s)).toISOString());
    fc.assert(
      fc.property(entries(A), businessDate, instant, (list, date, recordedAt) => {
        const included = entriesAsOf(list, { businessDate: date, recordedAt });
        expect(included).toEqual(
          list.filter((e) => e.businessDate <= date && e.recordedAt <= recordedAt),
        );
        const byDate = entriesAsOf(list, { businessDate: date });
        const later = list.filter((e) => !byDate.includes(e));
        expect(later.every((e) => e.businessDate > date)).toBe(true);
        // The books as of D plus the entries after D are the books of everything.
        same(
          combine(
            balancesOf(trialBalance(byDate, UNRULED_CHART)),
            balancesOf(trialBalance(later, UNRULED_CHART)),
          ),
          balancesOf(trialBalance(list, UNRULED_CHART)),
        );
      }),
    );
  });

  it('never lets a posting take a ruled account past its rule (default chart)', () => {
    fc.assert(
      fc.property(entries(A, { maxLength: 60 }), (list) => {
        const { state, refused } = run(postAll(list), [configured(A, DEFAULT_CHART)]);
        expect(refused).toBeLessThanOrEqual(list.length);
        for (const [code, perCurrency] of state.balances) {
          const account = DEFAULT_CHART.accounts.get(code)!;
          if (account.balanceRule.kind !== 'not_below_zero') continue;
          for (const value of perCurrency.values())
            expect(toNormal(account, value)).toBeGreaterThanOrEqual(0n);
        }
        expect(allZero(netByCurrency(state.balances))).toBe(true);
      }),
    );
  });
});
