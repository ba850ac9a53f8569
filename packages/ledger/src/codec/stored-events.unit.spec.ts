import { money } from '@kopfed/money';
import { DEFAULT_CHART } from '../chart/chart';
import { credit, debit } from '../journal/entry';
import { coopId, entryId } from '../ids';
import type { LedgerEvent } from '../ledger/ledger-model';
import { ledgerDecider } from '../ledger/ledger.decider';
import { chartConfigured, code, COOP, entry, idr, KAS, SUKARELA } from '../testing/fixtures';
import { decodeLedgerEvent, encodeLedgerEvent, storedEventsDecider } from './stored-events';

const chartWithExtras: LedgerEvent = {
  type: 'ChartConfigured',
  data: {
    coopId: COOP,
    accounts: [
      ...DEFAULT_CHART.accounts.values(),
      {
        code: code('1-160.001'),
        name: 'Kliring KSP B',
        gloss: 'Clearing with KSP B',
        type: 'asset',
        contra: false,
        parent: code('1-100'),
        postable: true,
        balanceRule: { kind: 'ceiling', ceiling: money(5_000_000n) },
        clearing: { counterparty: coopId('KSP-B') },
      },
    ],
    roles: DEFAULT_CHART.roles,
    configuredAt: '2026-01-01T00:00:00.000Z',
  },
};
const events: LedgerEvent[] = [
  chartWithExtras,
  {
    type: 'EntryPosted',
    data: {
      entry: entry('e1', '2026-01-02', [debit(KAS, idr(10), 'teller'), credit(SUKARELA, idr(10))]),
    },
  },
  {
    type: 'EntryReversed',
    data: {
      reason: 'salah',
      reversal: entry('r1', '2026-01-03', [credit(KAS, idr(10)), debit(SUKARELA, idr(10))], {
        reverses: entryId('e1'),
      }),
    },
  },
  {
    type: 'PeriodClosed',
    data: {
      coopId: COOP,
      period: { kind: 'year', year: 2026 },
      closedThrough: '2026-12-31',
      closedAt: '2027-01-02T00:00:00.000Z',
    },
  },
];

/** What the event store accepts: plain JSON, no bigint, no undefined anywhere. */
function plainJson(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(plainJson);
  if (typeof value === 'object')
    return Object.values(value).every((v) => v !== undefined && plainJson(v));
  return false;
}

describe('stored ledger events', () => {
  it.each(events.map((e) => [e.type, e]))(
    '%s is plain JSON and decodes to itself',
    (_type, event) => {
      const stored = encodeLedgerEvent(event);
      expect(plainJson(stored)).toBe(true);
      const reread = JSON.parse(JSON.stringify(stored)) as typeof stored;
      expect(decodeLedgerEvent(reread)).toEqual(event);
    },
  );

  it('writes money as decimal strings', () => {
    expect(JSON.stringify(encodeLedgerEvent(events[1]!))).toContain(
      '"debit":{"amount":"10","currency":"IDR"}',
    );
  });

  it('runs the decider over stored events', () => {
    const decider = storedEventsDecider(ledgerDecider);
    const state = [chartConfigured()]
      .map(encodeLedgerEvent)
      .reduce(decider.evolve, decider.initialState());
    const posted = decider.decide(
      {
        type: 'PostEntry',
        entry: entry('e1', '2026-01-02', [debit(KAS, idr(10)), credit(SUKARELA, idr(10))]),
      },
      state,
    );
    expect(plainJson(posted)).toBe(true);
    expect(posted.reduce(decider.evolve, state).balances.get(KAS)?.get('IDR')).toBe(10n);
  });
});
