import { credit, debit, type JournalEntry } from '../journal/entry';
import { encodeLedgerEvent, storedEventsDecider } from '../codec/stored-events';
import { entryId } from '../ids';
import {
  BEBAN_BUNGA,
  BEBAN_UMUM,
  BUNGA_PINJAMAN,
  chartConfigured,
  COOP,
  entry,
  given,
  idr,
  KAS,
  PINJAMAN,
  posted,
  refusal,
  SHU_BERJALAN,
  SHU_DITAHAN,
  SUKARELA,
} from '../testing/fixtures';
import type { LedgerCommand, LedgerEvent } from './ledger-model';
import { ledgerDecider } from './ledger.decider';
import { balancesAtYearEnd } from './ledger-state';

const { decide } = ledgerDecider;
const closeYear = (year: number, today = `${year + 1}-01-15`): LedgerCommand => ({
  type: 'ClosePeriod',
  coopId: COOP,
  period: { kind: 'year', year },
  today,
  closedAt: `${today}T01:00:00.000Z`,
  closingEntryId: entryId(`close-${year}`),
  rollForwardEntryId: entryId(`roll-${year}`),
});

// 2026: interest income 900,000; interest on savings 300,000; admin 100,000 → SHU 500,000.
const year2026 = [
  entry('a', '2026-01-02', [debit(KAS, idr(10_000_000)), credit(SUKARELA, idr(10_000_000))]),
  entry('b', '2026-02-01', [debit(PINJAMAN, idr(5_000_000)), credit(KAS, idr(5_000_000))]),
  entry('c', '2026-06-30', [debit(KAS, idr(900_000)), credit(BUNGA_PINJAMAN, idr(900_000))]),
  entry('d', '2026-12-31', [debit(BEBAN_BUNGA, idr(300_000)), credit(SUKARELA, idr(300_000))]),
  entry('e', '2026-12-31', [debit(BEBAN_UMUM, idr(100_000)), credit(KAS, idr(100_000))]),
].map(posted);
// Already dated in 2027 before 2026 is closed: must not leak into the 2026 close.
const early2027 = posted(
  entry('f', '2027-01-05', [debit(KAS, idr(50_000)), credit(BUNGA_PINJAMAN, idr(50_000))]),
);

const entriesOf = (events: LedgerEvent[]): JournalEntry[] =>
  events.flatMap((e) => (e.type === 'EntryPosted' ? [e.data.entry] : []));

describe('year-end close', () => {
  it('moves the year income and expense into SHU tahun berjalan, dated 31 December', () => {
    const events = decide(closeYear(2026), given([chartConfigured(), ...year2026, early2027]));
    const [closing] = entriesOf(events);
    expect(closing).toMatchObject({
      entryId: 'close-2026',
      businessDate: '2026-12-31',
      source: { eventId: 'close-2026', type: 'YearEndClosing' },
      lines: [
        debit(BUNGA_PINJAMAN, idr(900_000)),
        credit(BEBAN_BUNGA, idr(300_000)),
        credit(BEBAN_UMUM, idr(100_000)),
        credit(SHU_BERJALAN, idr(500_000)),
      ],
    });
    expect(events.at(-1)).toEqual({
      type: 'PeriodClosed',
      data: {
        coopId: COOP,
        period: { kind: 'year', year: 2026 },
        closedThrough: '2026-12-31',
        closedAt: '2027-01-15T01:00:00.000Z',
      },
    });
    const after = given([chartConfigured(), ...year2026, early2027, ...events]);
    expect(after.balances.get(BUNGA_PINJAMAN)?.get('IDR')).toBe(-50_000n);
    expect(after.balances.get(SHU_BERJALAN)?.get('IDR')).toBe(-500_000n);
    expect(after.lastClosedYear).toBe(2026);
  });

  it('at the next close, moves what the RAT left of last year into SHU ditahan first', () => {
    const closed2026 = decide(closeYear(2026), given([chartConfigured(), ...year2026]));
    // The RAT pays out 200,000 of the 500,000; 300,000 stays undivided.
    const rat = posted(
      entry('rat', '2027-04-01', [debit(SHU_BERJALAN, idr(200_000)), credit(KAS, idr(200_000))]),
    );
    const history = [chartConfigured(), ...year2026, ...closed2026, rat, early2027];
    const events = decide(closeYear(2027), given(history));
    const [rollForward, closing] = entriesOf(events);
    expect(rollForward).toMatchObject({
      businessDate: '2027-12-31',
      source: { type: 'ShuRolledForward' },
      lines: [debit(SHU_BERJALAN, idr(300_000)), credit(SHU_DITAHAN, idr(300_000))],
    });
    expect(closing?.lines).toEqual([
      debit(BUNGA_PINJAMAN, idr(50_000)),
      credit(SHU_BERJALAN, idr(50_000)),
    ]);
    const after = given([...history, ...events]);
    expect(balancesAtYearEnd(after, 2027).get(SHU_BERJALAN)?.get('IDR')).toBe(-50_000n);
    expect(after.balances.get(SHU_DITAHAN)?.get('IDR')).toBe(-300_000n);
  });

  it('books a loss as a debit to SHU tahun berjalan, and closes an empty year with no entry', () => {
    const loss = posted(
      entry('l', '2026-03-01', [debit(BEBAN_UMUM, idr(70_000)), credit(KAS, idr(70_000))]),
    );
    const funded = posted(
      entry('k', '2026-01-01', [debit(KAS, idr(100_000)), credit(SUKARELA, idr(100_000))]),
    );
    const [closing] = entriesOf(decide(closeYear(2026), given([chartConfigured(), funded, loss])));
    expect(closing?.lines).toEqual([
      credit(BEBAN_UMUM, idr(70_000)),
      debit(SHU_BERJALAN, idr(70_000)),
    ]);
    expect(decide(closeYear(2026), given([chartConfigured(), funded]))).toEqual([
      expect.objectContaining({ type: 'PeriodClosed' }),
    ]);
  });

  it('closes a year whose result passes 18 digits in lines the event store can keep', () => {
    const big = 600_000_000_000_000_000n; // 18 digits; two of them make 19
    const income = ['i1', 'i2'].map((id) =>
      posted(entry(id, '2026-05-01', [debit(KAS, idr(big)), credit(BUNGA_PINJAMAN, idr(big))])),
    );
    const stored = storedEventsDecider(ledgerDecider);
    const history = [chartConfigured(), ...income].map(encodeLedgerEvent);
    const state = history.reduce(stored.evolve, stored.initialState());
    const events = stored.decide(closeYear(2026), state);
    const after = events.reduce(stored.evolve, state);
    expect(after.lastClosedYear).toBe(2026);
    expect(after.balances.get(BUNGA_PINJAMAN)).toBeUndefined();
    expect(after.balances.get(SHU_BERJALAN)?.get('IDR')).toBe(-2n * big);
  });

  it('refuses postings dated in the closed year afterwards; a correction goes into the open one', () => {
    const closed = decide(closeYear(2026), given([chartConfigured(), ...year2026]));
    const state = given([chartConfigured(), ...year2026, ...closed]);
    const late = entry('late', '2026-12-31', [debit(KAS, idr(1)), credit(BUNGA_PINJAMAN, idr(1))]);
    expect(refusal(() => decide({ type: 'PostEntry', entry: late }, state))).toEqual([
      'conflict',
      'period-closed',
    ]);
    const original = (year2026[2] as Extract<LedgerEvent, { type: 'EntryPosted' }>).data.entry;
    const reversal = decide(
      {
        type: 'ReverseEntry',
        original,
        reversalEntryId: entryId('r'),
        sourceEventId: 'req-r',
        businessDate: '2027-01-20',
        recordedAt: '2027-01-20T01:00:00.000Z',
        reason: 'bunga salah catat',
      },
      state,
    );
    expect(reversal).toHaveLength(1);
  });

  it('refuses a year not over, closed twice, out of order, or after an open earlier year', () => {
    const state = given([chartConfigured(), ...year2026]);
    expect(refusal(() => decide(closeYear(2026, '2026-12-31'), state))).toEqual([
      'rejected',
      'period-not-over',
    ]);
    expect(refusal(() => decide(closeYear(2027, '2028-01-02'), state))).toEqual([
      'conflict',
      'earlier-year-open',
    ]);
    const closed = given([chartConfigured(), ...year2026, ...decide(closeYear(2026), state)]);
    expect(refusal(() => decide(closeYear(2026), closed))).toEqual([
      'conflict',
      'period-already-closed',
    ]);
    expect(refusal(() => decide(closeYear(2028, '2029-01-02'), closed))).toEqual([
      'conflict',
      'period-out-of-order',
    ]);
    const reused = {
      ...closeYear(2027, '2028-01-02'),
      closingEntryId: entryId('x'),
      rollForwardEntryId: entryId('src-a'),
    };
    expect(refusal(() => decide(reused as LedgerCommand, closed))).toEqual([
      'conflict',
      'entry-id-used',
    ]);
  });

  it('refuses a first close of a year before the books hold anything dated in or before it', () => {
    const state = given([chartConfigured(), ...year2026]);
    expect(refusal(() => decide(closeYear(2016), state))).toEqual([
      'rejected',
      'period-before-books',
    ]);
    expect(refusal(() => decide(closeYear(2025), state))).toEqual([
      'rejected',
      'period-before-books',
    ]);
    expect(decide(closeYear(2026), state).at(-1)).toMatchObject({ type: 'PeriodClosed' });
  });

  it('closes a year after its months were closed and even after January of the next', () => {
    const months: LedgerEvent = {
      type: 'PeriodClosed',
      data: {
        coopId: COOP,
        period: { kind: 'month', month: '2027-01' },
        closedThrough: '2027-01-31',
        closedAt: '2027-02-01T00:00:00.000Z',
      },
    };
    const events = decide(
      closeYear(2026, '2027-02-02'),
      given([chartConfigured(), ...year2026, months]),
    );
    expect(events.at(-1)).toMatchObject({ data: { closedThrough: '2027-01-31' } });
  });
});
