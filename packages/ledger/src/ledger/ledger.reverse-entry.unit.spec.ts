import { credit, debit } from '../journal/entry';
import { entryId } from '../ids';
import {
  chartConfigured,
  COOP,
  entry,
  given,
  idr,
  KAS,
  posted,
  refusal,
  SUKARELA,
} from '../testing/fixtures';
import type { LedgerCommand, LedgerEvent } from './ledger-model';
import { ledgerDecider } from './ledger.decider';

const { decide } = ledgerDecider;
const deposit = entry('e1', '2026-01-10', [
  debit(KAS, idr(100_000)),
  credit(SUKARELA, idr(100_000)),
]);
const januaryClosed: LedgerEvent = {
  type: 'PeriodClosed',
  data: {
    coopId: COOP,
    period: { kind: 'month', month: '2026-01' },
    closedThrough: '2026-01-31',
    closedAt: '2026-02-01T01:00:00.000Z',
  },
};
const reverse = (
  overrides: Partial<Extract<LedgerCommand, { type: 'ReverseEntry' }>> = {},
): LedgerCommand => ({
  type: 'ReverseEntry',
  original: deposit,
  reversalEntryId: entryId('r1'),
  sourceEventId: 'req-r1',
  businessDate: '2026-01-12',
  recordedAt: '2026-01-12T02:00:00.000Z',
  reason: 'setoran tercatat dua kali',
  ...overrides,
});

describe('ledger decider: ReverseEntry', () => {
  const state = given([chartConfigured(), posted(deposit)]);

  it('posts the reversal: every line on the other side, in the open period', () => {
    const [event] = decide(reverse(), state);
    expect(event).toMatchObject({
      type: 'EntryReversed',
      data: {
        reason: 'setoran tercatat dua kali',
        reversal: {
          entryId: 'r1',
          reverses: 'e1',
          businessDate: '2026-01-12',
          lines: [credit(KAS, idr(100_000)), debit(SUKARELA, idr(100_000))],
          source: { eventId: 'req-r1', type: 'EntryReversal' },
        },
      },
    });
    expect(given([chartConfigured(), posted(deposit), event!]).balances.size).toBe(0);
  });

  it('corrects an entry of a closed month with a reversal dated in the open one', () => {
    const closed = given([chartConfigured(), posted(deposit), januaryClosed]);
    expect(refusal(() => decide(reverse(), closed))).toEqual(['conflict', 'period-closed']);
    expect(decide(reverse({ businessDate: '2026-02-02' }), closed)).toHaveLength(1);
  });

  it('reverses once: again is refused, the same request again changes nothing', () => {
    const events = decide(reverse(), state);
    const after = given([chartConfigured(), posted(deposit), ...events]);
    expect(decide(reverse(), after)).toEqual([]);
    expect(
      refusal(() =>
        decide(reverse({ sourceEventId: 'req-r2', reversalEntryId: entryId('r2') }), after),
      ),
    ).toEqual(['conflict', 'entry-already-reversed']);
    const reversal = (events[0] as Extract<LedgerEvent, { type: 'EntryReversed' }>).data.reversal;
    expect(
      refusal(() => decide(reverse({ original: reversal, sourceEventId: 'req-r3' }), after)),
    ).toEqual(['rejected', 'reversal-not-reversible']);
  });

  it('refuses an entry that was never posted, and a reversal dated before its original', () => {
    const unknown = { ...deposit, entryId: entryId('e9') };
    expect(refusal(() => decide(reverse({ original: unknown }), state))).toEqual([
      'not_found',
      'entry-not-found',
    ]);
    expect(refusal(() => decide(reverse({ businessDate: '2026-01-09' }), state))).toEqual([
      'rejected',
      'reversal-before-original',
    ]);
  });

  it('refuses a reversal asked for by hand dated after today', () => {
    expect(
      refusal(() => decide(reverse({ businessDate: '2026-01-13', today: '2026-01-12' }), state)),
    ).toEqual(['rejected', 'entry-dated-ahead']);
    expect(
      decide(reverse({ businessDate: '2026-01-12', today: '2026-01-12' }), state),
    ).toHaveLength(1);
  });

  it('refuses a reversal that would break a balance rule', () => {
    const withdrawal = entry('w', '2026-01-11', [
      debit(SUKARELA, idr(100_000)),
      credit(KAS, idr(100_000)),
    ]);
    const spent = given([chartConfigured(), posted(deposit), posted(withdrawal)]);
    expect(refusal(() => decide(reverse(), spent))).toEqual(['rejected', 'balance-rule-broken']);
  });
});
