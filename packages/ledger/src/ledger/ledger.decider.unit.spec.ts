import { money } from '@kopfed/money';
import type { ChartChanges } from '../chart/chart';
import { credit, debit } from '../journal/entry';
import { coopId, entryId } from '../ids';
import {
  BANK,
  chartConfigured,
  code,
  COOP,
  entry,
  given,
  idr,
  KAS,
  POKOK,
  posted,
  refusal,
  SHU_BERJALAN,
  SUKARELA,
} from '../testing/fixtures';
import type { LedgerCommand, LedgerEvent } from './ledger-model';
import { ledgerDecider } from './ledger.decider';

const { decide } = ledgerDecider;
const deposit = entry('e1', '2026-01-10', [
  debit(KAS, idr(100_000)),
  credit(SUKARELA, idr(100_000)),
]);
const monthClosed = (month: string, closedThrough: string): LedgerEvent => ({
  type: 'PeriodClosed',
  data: {
    coopId: COOP,
    period: { kind: 'month', month },
    closedThrough,
    closedAt: '2026-02-01T01:00:00.000Z',
  },
});
describe('ledger decider: ConfigureChart', () => {
  it('given nothing, configures the default chart plus the coop changes', () => {
    const events = decide(
      {
        type: 'ConfigureChart',
        coopId: COOP,
        configuredAt: '2026-01-01T00:00:00.000Z',
        changes: {
          upsert: [
            {
              code: code('1-160.001'),
              name: 'Kliring KSP B',
              gloss: 'Clearing with member coop B',
              type: 'asset',
              contra: false,
              parent: code('1-100'),
              postable: true,
              balanceRule: { kind: 'none' },
              clearing: { counterparty: coopId('KSP-B') },
            },
          ],
        },
      },
      given([]),
    );
    expect(events).toHaveLength(1);
    const [configured] = events;
    expect(configured?.type).toBe('ChartConfigured');
    const state = given(events);
    expect(state.coopId).toBe(COOP);
    expect(state.chart?.accounts.get(code('1-160.001'))?.name).toBe('Kliring KSP B');
    expect(state.chart?.accounts.get(KAS)?.name).toBe('Kas');
  });

  it('refuses an invalid chart, another coop, and removing an account with a balance', () => {
    const configure = (changes: ChartChanges, coop = COOP): LedgerCommand => ({
      type: 'ConfigureChart',
      coopId: coop,
      configuredAt: '2026-01-02T00:00:00.000Z',
      changes,
    });
    const state = given([chartConfigured(), posted(deposit)]);
    expect(refusal(() => decide(configure({ remove: [code('1-100')] }), state))).toEqual([
      'rejected',
      'chart-invalid',
    ]);
    expect(refusal(() => decide(configure({}, coopId('KSP-B')), state))).toEqual([
      'rejected',
      'coop-mismatch',
    ]);
    expect(refusal(() => decide(configure({ remove: [KAS] }), state))).toEqual([
      'conflict',
      'account-in-use',
    ]);
    expect(refusal(() => decide(configure({ remove: [BANK] }), state))).toEqual(['none']);
  });

  it('keeps SHU tahun berjalan where it is while that account holds an SHU not yet divided', () => {
    const configure: LedgerCommand = {
      type: 'ConfigureChart',
      coopId: COOP,
      configuredAt: '2027-01-02T00:00:00.000Z',
      changes: {
        upsert: [
          {
            code: code('3-510'),
            name: 'SHU Tahun Berjalan',
            gloss: 'SHU of the last closed year',
            type: 'equity',
            contra: false,
            parent: code('3-000'),
            postable: true,
            balanceRule: { kind: 'none' },
          },
        ],
        roles: { currentYearShu: code('3-510') },
      },
    };
    expect(refusal(() => decide(configure, given([chartConfigured(), posted(deposit)])))).toEqual([
      'none',
    ]);
    const result = entry('shu', '2026-12-31', [
      debit(KAS, idr(5_000)),
      credit(SHU_BERJALAN, idr(5_000)),
    ]);
    expect(refusal(() => decide(configure, given([chartConfigured(), posted(result)])))).toEqual([
      'conflict',
      'role-in-use',
    ]);
  });
});

describe('ledger decider: PostEntry', () => {
  it('posts a balanced entry once; the same source event again changes nothing', () => {
    const state = given([chartConfigured()]);
    expect(decide({ type: 'PostEntry', entry: deposit }, state)).toEqual([posted(deposit)]);
    const again = { ...deposit, entryId: entryId('e1-retry') };
    expect(
      decide({ type: 'PostEntry', entry: again }, given([chartConfigured(), posted(deposit)])),
    ).toEqual([]);
  });

  it('refuses before the chart is configured and for another coop', () => {
    expect(refusal(() => decide({ type: 'PostEntry', entry: deposit }, given([])))).toEqual([
      'conflict',
      'chart-not-configured',
    ]);
    const elsewhere = { ...deposit, coopId: coopId('KSP-B') };
    expect(
      refusal(() => decide({ type: 'PostEntry', entry: elsewhere }, given([chartConfigured()]))),
    ).toEqual(['rejected', 'coop-mismatch']);
  });

  it.each([
    ['entry-unbalanced', [debit(KAS, idr(100)), credit(SUKARELA, idr(99))]],
    ['entry-line-count', [debit(KAS, idr(100))]],
    ['line-amount-not-positive', [debit(KAS, idr(0)), credit(SUKARELA, idr(0))]],
    ['account-unknown', [debit(code('1-999'), idr(1)), credit(SUKARELA, idr(1))]],
    ['account-not-postable', [debit(code('1-100'), idr(1)), credit(SUKARELA, idr(1))]],
    ['entry-unbalanced', [debit(KAS, idr(5)), credit(SUKARELA, money(5n, 'USD'))]],
  ])('refuses a broken entry: %s', (expected, lines) => {
    const broken = entry('bad', '2026-01-10', lines);
    expect(
      refusal(() => decide({ type: 'PostEntry', entry: broken }, given([chartConfigured()]))),
    ).toEqual(['rejected', expected]);
  });

  it('refuses a reversal, a ledger-reserved source type, and a date in a closed period', () => {
    const state = given([chartConfigured(), monthClosed('2026-01', '2026-01-31')]);
    const post = (e: typeof deposit) => () => decide({ type: 'PostEntry', entry: e }, state);
    expect(
      refusal(post({ ...deposit, businessDate: '2026-02-01', reverses: entryId('x') })),
    ).toEqual(['rejected', 'use-reverse-entry']);
    expect(
      refusal(
        post({
          ...deposit,
          businessDate: '2026-02-01',
          source: { eventId: 'y', type: 'YearEndClosing' },
        }),
      ),
    ).toEqual(['rejected', 'source-type-reserved']);
    expect(refusal(post(deposit))).toEqual(['conflict', 'period-closed']);
    expect(refusal(post({ ...deposit, businessDate: '2026-02-01' }))).toEqual(['none']);
  });

  it('refuses a manual entry dated after today, or before the books could have begun', () => {
    const manual = (businessDate: string, today: string, state = given([chartConfigured()])) =>
      refusal(() =>
        decide({ type: 'PostEntry', entry: { ...deposit, businessDate }, today }, state),
      );
    expect(manual('2026-06-02', '2026-06-01')).toEqual(['rejected', 'entry-dated-ahead']);
    expect(manual('2026-06-01', '2026-06-01')).toEqual(['none']);
    // On books holding nothing earlier: back to the end of the year ten years ago (books are
    // kept ten years), so a coop bringing its history in can post its opening balances.
    expect(manual('2006-06-01', '2026-06-01')).toEqual(['rejected', 'entry-before-books']);
    expect(manual('2016-12-30', '2026-06-01')).toEqual(['rejected', 'entry-before-books']);
    expect(manual('2016-12-31', '2026-06-01')).toEqual(['none']);
    expect(manual('2024-01-02', '2026-06-01')).toEqual(['none']);
    // Books already holding an earlier date take an entry as early as it.
    const old = entry('old', '2014-03-01', [debit(KAS, idr(5)), credit(SUKARELA, idr(5))]);
    const held = given([chartConfigured(), posted(old)]);
    expect(manual('2014-03-01', '2026-06-01', held)).toEqual(['none']);
    expect(manual('2014-02-28', '2026-06-01', held)).toEqual(['rejected', 'entry-before-books']);
    // A money event of another service is dated by that service: no today to judge it by.
    expect(
      refusal(() =>
        decide({ type: 'PostEntry', entry: { ...deposit, businessDate: '2006-06-01' } }, held),
      ),
    ).toEqual(['none']);
  });

  it('keeps kas from going below zero, but lets a lifted rule through', () => {
    const overdraw = entry('w', '2026-01-11', [
      debit(SUKARELA, idr(150_000)),
      credit(KAS, idr(150_000)),
    ]);
    const state = given([chartConfigured(), posted(deposit)]);
    expect(refusal(() => decide({ type: 'PostEntry', entry: overdraw }, state))).toEqual([
      'rejected',
      'balance-rule-broken',
    ]);
    const lifted = decide(
      {
        type: 'ConfigureChart',
        coopId: COOP,
        configuredAt: '2026-01-11T00:00:00.000Z',
        changes: {
          upsert: [KAS, SUKARELA].map((c) => ({
            ...state.chart!.accounts.get(c)!,
            balanceRule: { kind: 'none' as const },
          })),
        },
      },
      state,
    );
    expect(
      decide(
        { type: 'PostEntry', entry: overdraw },
        given([chartConfigured(), posted(deposit), ...lifted]),
      ),
    ).toHaveLength(1);
  });
});

describe('ledger decider: ClosePeriod (month)', () => {
  const close = (month: string, today = '2026-06-01'): LedgerCommand => ({
    type: 'ClosePeriod',
    coopId: COOP,
    period: { kind: 'month', month },
    today,
    closedAt: `${today}T01:00:00.000Z`,
    closingEntryId: entryId('c1'),
    rollForwardEntryId: entryId('c2'),
  });

  it('closes a month that is over, then only the next one', () => {
    const state = given([chartConfigured(), posted(deposit)]);
    expect(decide(close('2026-01'), state)).toEqual([
      {
        type: 'PeriodClosed',
        data: {
          coopId: COOP,
          period: { kind: 'month', month: '2026-01' },
          closedThrough: '2026-01-31',
          closedAt: '2026-06-01T01:00:00.000Z',
        },
      },
    ]);
    const closed = given([chartConfigured(), monthClosed('2026-01', '2026-01-31')]);
    expect(refusal(() => decide(close('2026-01'), closed))).toEqual([
      'conflict',
      'period-already-closed',
    ]);
    expect(refusal(() => decide(close('2026-03'), closed))).toEqual([
      'conflict',
      'period-out-of-order',
    ]);
    expect(decide(close('2026-02'), closed)).toHaveLength(1);
  });

  it('refuses a first close of a month before the books hold anything dated in or before it', () => {
    const state = given([chartConfigured(), posted(deposit)]);
    // A typo (2016 for 2026) would otherwise force closing every month since, one by one.
    expect(refusal(() => decide(close('2016-10'), state))).toEqual([
      'rejected',
      'period-before-books',
    ]);
    expect(refusal(() => decide(close('2025-12'), state))).toEqual([
      'rejected',
      'period-before-books',
    ]);
    expect(refusal(() => decide(close('2026-01'), given([chartConfigured()])))).toEqual([
      'rejected',
      'period-before-books',
    ]);
    expect(decide(close('2026-01'), state)).toHaveLength(1);
    expect(decide(close('2026-02'), state)).toHaveLength(1);
  });

  it('refuses a month that is not over, a bad period, and before the chart', () => {
    const state = given([chartConfigured()]);
    expect(refusal(() => decide(close('2026-05', '2026-05-31'), state))).toEqual([
      'rejected',
      'period-not-over',
    ]);
    expect(refusal(() => decide(close('2026-13'), state))).toEqual(['rejected', 'period-invalid']);
    expect(refusal(() => decide(close('2026-01'), given([])))).toEqual([
      'conflict',
      'chart-not-configured',
    ]);
  });
});

describe('ledger decider: equity and rules', () => {
  it('keeps simpanan pokok from being withdrawn below zero', () => {
    const state = given([chartConfigured(), posted(deposit)]);
    const refund = entry('p', '2026-01-11', [debit(POKOK, idr(1)), credit(KAS, idr(1))]);
    expect(refusal(() => decide({ type: 'PostEntry', entry: refund }, state))).toEqual([
      'rejected',
      'balance-rule-broken',
    ]);
  });
});
