import fc from 'fast-check';
import { money } from '@kopfed/money';
import type { AccountCode } from '../chart/account';
import { chartOf, DEFAULT_CHART, type Chart } from '../chart/chart';
import { credit, debit, type JournalEntry, type JournalLine } from '../journal/entry';
import { entryId, type CoopId } from '../ids';

/** The default chart with every balance rule lifted, so random entries are all postable. */
export const UNRULED_CHART: Chart = chartOf(
  [...DEFAULT_CHART.accounts.values()].map((a) => ({ ...a, balanceRule: { kind: 'none' } })),
  DEFAULT_CHART.roles,
);

export const POSTABLE: AccountCode[] = [...DEFAULT_CHART.accounts.values()]
  .filter((a) => a.postable)
  .map((a) => a.code);

const rawLine = fc.record({
  account: fc.constantFrom(...POSTABLE),
  side: fc.constantFrom('debit' as const, 'credit' as const),
  amountMinor: fc.bigInt({ min: 1n, max: 10n ** 12n }),
});

/** 1 to 5 random lines in one currency, plus the line that balances them. */
export function balancedLines(currency: string): fc.Arbitrary<JournalLine[]> {
  return fc
    .tuple(fc.array(rawLine, { minLength: 1, maxLength: 5 }), fc.constantFrom(...POSTABLE))
    .map(([raw, balancing]) => {
      const lines = raw.map((l) =>
        l.side === 'debit'
          ? debit(l.account, money(l.amountMinor, currency))
          : credit(l.account, money(l.amountMinor, currency)),
      );
      const net = raw.reduce(
        (s, l) => s + (l.side === 'debit' ? l.amountMinor : -l.amountMinor),
        0n,
      );
      if (net > 0n) lines.push(credit(balancing, money(net, currency)));
      if (net < 0n) lines.push(debit(balancing, money(-net, currency)));
      return lines;
    });
}

/** Mostly IDR, sometimes a USD part too: balanced per currency. */
export const entryLines: fc.Arbitrary<JournalLine[]> = fc
  .tuple(balancedLines('IDR'), fc.option(balancedLines('USD'), { freq: 4 }))
  .map(([idr, usd]) => [...idr, ...(usd ?? [])]);

/** A business date in 2025–2027. */
export const businessDate: fc.Arbitrary<string> = fc
  .record({
    y: fc.integer({ min: 2025, max: 2027 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

/** `n` valid entries of a coop with distinct ids, recorded one second apart in list order. */
export function entries(
  coop: CoopId,
  options: { maxLength?: number; dates?: fc.Arbitrary<string> } = {},
) {
  return fc
    .array(fc.tuple(entryLines, options.dates ?? businessDate), {
      minLength: 1,
      maxLength: options.maxLength ?? 25,
    })
    .map((items) =>
      items.map(([lines, date], i): JournalEntry => ({
        entryId: entryId(`${coop}-e${i}`),
        coopId: coop,
        businessDate: date,
        recordedAt: new Date(Date.UTC(2028, 0, 1, 0, 0, i)).toISOString(),
        description: `random entry ${i}`,
        lines,
        source: { eventId: `${coop}-src-${i}`, type: 'Random' },
      })),
    );
}
