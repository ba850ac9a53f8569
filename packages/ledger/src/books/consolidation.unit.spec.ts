import { DomainError } from '@kopfed/domain';
import { applyChartChanges, DEFAULT_CHART, type Chart } from '../chart/chart';
import type { JournalEntry } from '../journal/entry';
import { coopId, entryId, productCode, type CoopId } from '../ids';
import { defaultGlMapping, type GlMapping } from '../posting/gl-mapping';
import type { Movement } from '../posting/movements';
import { journalEntryFor } from '../posting/posting-for';
import { code, idr } from '../testing/fixtures';
import { balanceSheet } from './balance-sheet';
import { consolidatedTrialBalance, groupEntries, groupOf, type CoopBooks } from './consolidation';

const [PUSKOPDIT, KSP_A, KSP_B, KSP_X] = ['PUSKOPDIT', 'KSP-A', 'KSP-B', 'KSP-X'].map(coopId) as [
  CoopId,
  CoopId,
  CoopId,
  CoopId,
];
const INDUK = coopId('INKOPDIT');
const tree = [
  { coopId: INDUK, parentId: null },
  { coopId: PUSKOPDIT, parentId: INDUK },
  { coopId: KSP_A, parentId: PUSKOPDIT },
  { coopId: KSP_B, parentId: PUSKOPDIT },
  { coopId: KSP_X, parentId: INDUK },
];
const SUKARELA = productCode('SUKARELA');

// The parent keeps one clearing sub-account per member coop.
const parentChart: Chart = applyChartChanges(DEFAULT_CHART, {
  upsert: [KSP_A, KSP_B].map((member, i) => ({
    code: code(`1-160.00${i + 1}`),
    name: `Kliring ${member}`,
    gloss: `Clearing with ${member}`,
    type: 'asset' as const,
    contra: false,
    parent: code('1-100'),
    postable: true,
    balanceRule: { kind: 'none' as const },
    clearing: { counterparty: member },
  })),
});
const mappings: GlMapping[] = [
  {
    ...defaultGlMapping(PUSKOPDIT, '2026-01-01'),
    memberClearing: { [KSP_A]: code('1-160.001'), [KSP_B]: code('1-160.002') },
  },
  defaultGlMapping(KSP_A, '2026-01-01'),
  defaultGlMapping(KSP_B, '2026-01-01'),
  defaultGlMapping(KSP_X, '2026-01-01'),
];

let n = 0;
function post(coop: CoopId, movement: Movement, businessDate = '2026-03-02'): JournalEntry {
  n += 1;
  return journalEntryFor(
    {
      eventId: `evt-${n}`,
      eventType: 'test',
      coopId: coop,
      businessDate,
      recordedAt: `${businessDate}T01:00:00.000Z`,
      movement,
    },
    mappings,
    entryId(`e-${n}`),
  );
}

const openingA = post(KSP_A, {
  type: 'SavingsDeposited',
  product: SUKARELA,
  amount: idr(1_000_000),
  via: { kind: 'cash' },
});
const sentA = post(KSP_A, {
  type: 'InterCoopTransferSent',
  amount: idr(250_000),
  from: { kind: 'savings', product: SUKARELA },
});
const clearedP = post(PUSKOPDIT, {
  type: 'InterCoopTransferCleared',
  payerCoop: KSP_A,
  payeeCoop: KSP_B,
  amount: idr(250_000),
});
const receivedB = post(
  KSP_B,
  {
    type: 'InterCoopTransferReceived',
    amount: idr(250_000),
    to: { kind: 'savings', product: SUKARELA },
  },
  '2026-03-03',
);
const books = (withB: JournalEntry[]): CoopBooks[] => [
  { coopId: PUSKOPDIT, chart: parentChart, entries: [clearedP] },
  { coopId: KSP_A, chart: DEFAULT_CHART, entries: [openingA, sentA] },
  { coopId: KSP_B, chart: DEFAULT_CHART, entries: withB },
];
const row = (trial: ReturnType<typeof consolidatedTrialBalance>['trialBalance'], account: string) =>
  trial.rows.find((r) => r.account === account);

describe('consolidation up the federation', () => {
  it('finds a coop and everything below it, root first', () => {
    expect(groupOf(tree, INDUK)).toEqual([INDUK, PUSKOPDIT, KSP_X, KSP_A, KSP_B]);
    expect(groupOf(tree, PUSKOPDIT)).toEqual([PUSKOPDIT, KSP_A, KSP_B]);
    expect(groupOf(tree, KSP_A)).toEqual([KSP_A]);
  });

  it('sums the group books; a transfer nets out once all three coops have posted it', () => {
    const gross = consolidatedTrialBalance(tree, PUSKOPDIT, books([receivedB]), {
      eliminateClearing: false,
    });
    expect(row(gross.trialBalance, '1-160')).toMatchObject({
      debitTurnoverMinor: 250_000n,
      creditTurnoverMinor: 250_000n,
      debitBalanceMinor: 0n,
    });
    expect(row(gross.trialBalance, '1-160.001')?.debitBalanceMinor).toBe(250_000n);

    const net = consolidatedTrialBalance(tree, PUSKOPDIT, books([receivedB]));
    expect(net.eliminations.map((e) => [e.coopId, e.account, e.eliminatedMinor])).toEqual([
      [PUSKOPDIT, '1-160.001', 250_000n],
      [PUSKOPDIT, '1-160.002', -250_000n],
      [KSP_A, '1-160', -250_000n],
      [KSP_B, '1-160', 250_000n],
    ]);
    for (const account of ['1-160', '1-160.001', '1-160.002']) {
      expect(row(net.trialBalance, account)).toMatchObject({
        debitBalanceMinor: 0n,
        creditBalanceMinor: 0n,
      });
    }
    expect(row(net.trialBalance, '1-199')).toBeUndefined();
    const sheet = balanceSheet(net.trialBalance, net.chart);
    expect([sheet.totalAssetsMinor, sheet.totalLiabilitiesMinor]).toEqual([1_000_000n, 1_000_000n]);
  });

  it('parks the clearing one side has not posted yet on 1-199, and still balances', () => {
    const pending = consolidatedTrialBalance(tree, PUSKOPDIT, books([]));
    expect(row(pending.trialBalance, '1-199')?.creditBalanceMinor).toBe(250_000n);
    const [idr] = pending.trialBalance.totals;
    expect(idr?.debitBalanceMinor).toBe(idr?.creditBalanceMinor);
    // As of 2 March, B had not received it either.
    const asOf = consolidatedTrialBalance(tree, PUSKOPDIT, books([receivedB]), {
      asOf: { businessDate: '2026-03-02' },
    });
    expect(row(asOf.trialBalance, '1-199')?.creditBalanceMinor).toBe(250_000n);
  });

  it('keeps clearing with a parent outside the group', () => {
    const aAlone = consolidatedTrialBalance(tree, KSP_A, books([receivedB]));
    expect(aAlone.eliminations).toEqual([]);
    expect(row(aAlone.trialBalance, '1-160')?.creditBalanceMinor).toBe(250_000n);
    expect(groupEntries(tree, KSP_A, books([receivedB]))).toEqual([openingA, sentA]);
  });

  it('refuses to add up an account code that means different things in two coops', () => {
    const odd = applyChartChanges(DEFAULT_CHART, {
      upsert: [{ ...DEFAULT_CHART.accounts.get(code('1-170'))!, contra: true }],
    });
    const clash: CoopBooks[] = [...books([]), { coopId: KSP_B, chart: odd, entries: [] }];
    expect(() => consolidatedTrialBalance(tree, PUSKOPDIT, clash)).toThrow(DomainError);
  });
});
