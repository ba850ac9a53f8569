import { money } from '@kopfed/money';
import { applyChartChanges, DEFAULT_CHART } from '../chart/chart';
import { credit, debit, type JournalEntry } from '../journal/entry';
import { entryId } from '../ids';
import {
  BEBAN_BUNGA,
  BEBAN_PENYISIHAN,
  BUNGA_PINJAMAN,
  code,
  entry,
  idr,
  KAS,
  PINJAMAN,
  POKOK,
  PPAP,
  SHU_BERJALAN,
  SUKARELA,
} from '../testing/fixtures';
import { entriesAsOf } from './as-of';
import { balanceSheet } from './balance-sheet';
import { generalLedger } from './general-ledger';
import { shuStatement } from './shu-statement';
import { trialBalance } from './trial-balance';

const journal: JournalEntry[] = [
  entry('1', '2026-01-02', [debit(KAS, idr(1_000_000)), credit(POKOK, idr(1_000_000))]),
  entry('2', '2026-01-05', [debit(KAS, idr(4_000_000)), credit(SUKARELA, idr(4_000_000))]),
  entry('3', '2026-01-10', [debit(PINJAMAN, idr(3_000_000)), credit(KAS, idr(3_000_000))]),
  entry('4', '2026-02-10', [
    debit(KAS, idr(360_000)),
    credit(PINJAMAN, idr(300_000)),
    credit(BUNGA_PINJAMAN, idr(60_000)),
  ]),
  entry('5', '2026-02-28', [debit(BEBAN_BUNGA, idr(20_000)), credit(SUKARELA, idr(20_000))]),
  entry('6', '2026-02-28', [debit(BEBAN_PENYISIHAN, idr(27_000)), credit(PPAP, idr(27_000))]),
  // Recorded late (in March) but effective in January.
  entry('7', '2026-01-31', [debit(KAS, idr(5_000)), credit(BUNGA_PINJAMAN, idr(5_000))], {
    recordedAt: '2026-03-05T01:00:00.000Z',
  }),
];

describe('trial balance (neraca saldo)', () => {
  it('lists each account turnover and balance in code order, and the columns agree', () => {
    const trial = trialBalance(journal, DEFAULT_CHART);
    expect(trial.rows.map((r) => [r.account, r.debitBalanceMinor, r.creditBalanceMinor])).toEqual([
      ['1-110', 2_365_000n, 0n],
      ['1-140', 2_700_000n, 0n],
      ['1-141', 0n, 27_000n],
      ['2-110', 0n, 4_020_000n],
      ['3-100', 0n, 1_000_000n],
      ['4-110', 0n, 65_000n],
      ['5-110', 20_000n, 0n],
      ['5-120', 27_000n, 0n],
    ]);
    expect(trial.rows[0]).toMatchObject({
      name: 'Kas',
      type: 'asset',
      debitTurnoverMinor: 5_365_000n,
      creditTurnoverMinor: 3_000_000n,
    });
    expect(trial.totals).toEqual([
      {
        currency: 'IDR',
        debitTurnoverMinor: 8_412_000n,
        creditTurnoverMinor: 8_412_000n,
        debitBalanceMinor: 5_112_000n,
        creditBalanceMinor: 5_112_000n,
      },
    ]);
  });

  it('as of a business date, or as recorded at an instant', () => {
    const jan = trialBalance(entriesAsOf(journal, { businessDate: '2026-01-31' }), DEFAULT_CHART);
    expect(jan.rows.find((r) => r.account === BUNGA_PINJAMAN)?.creditBalanceMinor).toBe(5_000n);
    const asRecordedEndFeb = trialBalance(
      entriesAsOf(journal, { recordedAt: '2026-02-28T23:59:59.000Z' }),
      DEFAULT_CHART,
    );
    expect(
      asRecordedEndFeb.rows.find((r) => r.account === BUNGA_PINJAMAN)?.creditBalanceMinor,
    ).toBe(60_000n);
  });

  it('still lists an account removed from the chart after it was emptied, by its code', () => {
    const depreciation = code('5-220');
    const closed = [
      entry('dep', '2026-06-30', [debit(depreciation, idr(40_000)), credit(KAS, idr(40_000))]),
      entry(
        'close',
        '2026-12-31',
        [debit(SHU_BERJALAN, idr(40_000)), credit(depreciation, idr(40_000))],
        { source: { eventId: 'close', type: 'YearEndClosing' } },
      ),
    ];
    const chart = applyChartChanges(DEFAULT_CHART, { remove: [depreciation] });
    const trial = trialBalance(closed, chart);
    expect(trial.rows.find((r) => r.account === depreciation)).toMatchObject({
      type: 'expense',
      debitTurnoverMinor: 40_000n,
      creditTurnoverMinor: 40_000n,
      debitBalanceMinor: 0n,
      creditBalanceMinor: 0n,
    });
    const june = trialBalance(entriesAsOf(closed, { businessDate: '2026-06-30' }), chart);
    expect(balanceSheet(june, chart).currentResultMinor).toBe(-40_000n);
    expect(shuStatement(closed, chart, { from: '2026-01-01', to: '2026-12-31' }).resultMinor).toBe(
      -40_000n,
    );
  });

  it('stops on an unbalanced journal instead of printing wrong books', () => {
    const broken = entry('x', '2026-01-01', [debit(KAS, idr(1)), credit(SUKARELA, idr(2))]);
    expect(() => trialBalance([broken], DEFAULT_CHART)).toThrow(/does not balance in IDR/);
  });
});

describe('general ledger (buku besar)', () => {
  it('runs the balance in date order, with the opening balance brought forward', () => {
    const kas = generalLedger(journal, DEFAULT_CHART, { account: KAS, from: '2026-01-10' });
    expect(kas.openingMinor).toBe(5_000_000n);
    expect(kas.lines.map((l) => [l.entryId, l.debitMinor, l.creditMinor, l.balanceMinor])).toEqual([
      ['3', 0n, 3_000_000n, 2_000_000n],
      ['7', 5_000n, 0n, 2_005_000n],
      ['4', 360_000n, 0n, 2_365_000n],
    ]);
    expect(kas.closingMinor).toBe(2_365_000n);
    const ppap = generalLedger(journal, DEFAULT_CHART, { account: PPAP, to: '2026-02-28' });
    expect(ppap.closingMinor).toBe(27_000n);
  });

  it('keeps currencies apart', () => {
    const usd = entry('u', '2026-01-03', [
      debit(KAS, money(7n, 'USD')),
      credit(SUKARELA, money(7n, 'USD')),
    ]);
    expect(
      generalLedger([...journal, usd], DEFAULT_CHART, { account: KAS, currency: 'USD' }).lines,
    ).toHaveLength(1);
  });
});

describe('neraca and perhitungan hasil usaha', () => {
  it('balances: assets = liabilities + equity + the open year result', () => {
    const sheet = balanceSheet(trialBalance(journal, DEFAULT_CHART), DEFAULT_CHART);
    expect(sheet.assets.map((l) => [l.account, l.amountMinor])).toEqual([
      ['1-110', 2_365_000n],
      ['1-140', 2_700_000n],
      ['1-141', -27_000n],
    ]);
    expect([
      sheet.totalAssetsMinor,
      sheet.totalLiabilitiesMinor,
      sheet.totalEquityMinor,
      sheet.currentResultMinor,
    ]).toEqual([5_038_000n, 4_020_000n, 1_000_000n, 18_000n]);
    expect(sheet.groups.find((g) => g.account === '1-100')).toMatchObject({
      name: 'Aset Lancar',
      level: 1,
      amountMinor: 5_038_000n,
    });
  });

  it('states income less expenses for the period, and the same after the year-end close', () => {
    const shu = shuStatement(journal, DEFAULT_CHART, { from: '2026-01-01', to: '2026-12-31' });
    expect([shu.totalIncomeMinor, shu.totalExpenseMinor, shu.resultMinor]).toEqual([
      65_000n,
      47_000n,
      18_000n,
    ]);
    expect(shu.groups.map((g) => [g.account, g.amountMinor])).toEqual([
      ['4-000', 65_000n],
      ['4-100', 65_000n],
      ['5-000', 47_000n],
      ['5-100', 47_000n],
    ]);
    const closing = entry(
      'close',
      '2026-12-31',
      [
        debit(BUNGA_PINJAMAN, idr(65_000)),
        credit(BEBAN_BUNGA, idr(20_000)),
        credit(BEBAN_PENYISIHAN, idr(27_000)),
        credit(SHU_BERJALAN, idr(18_000)),
      ],
      { entryId: entryId('close'), source: { eventId: 'close', type: 'YearEndClosing' } },
    );
    expect(
      shuStatement([...journal, closing], DEFAULT_CHART, { from: '2026-01-01', to: '2026-12-31' })
        .resultMinor,
    ).toBe(18_000n);
    const sheet = balanceSheet(trialBalance([...journal, closing], DEFAULT_CHART), DEFAULT_CHART);
    expect([sheet.currentResultMinor, sheet.totalEquityMinor]).toEqual([0n, 1_018_000n]);
    const feb = shuStatement(journal, DEFAULT_CHART, { from: '2026-02-01', to: '2026-02-28' });
    expect(feb.resultMinor).toBe(13_000n);
  });
});
