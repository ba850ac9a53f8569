import fc from 'fast-check';
import { money } from '@kopfed/money';
import {
  credit,
  debit,
  encodeLedgerEvent,
  type AccountCode,
  type CoopId,
  type EntryId,
  type JournalEntry,
} from '@kopfed/ledger';
import { canonicalEventText } from '@kopfed/eventstore';
import { emptyScannedEntry, scanEntryData, type ScannedEntry } from './entry-scan';
import { readEntry } from './ledger-log';

type Stored = { [key: string]: Stored } | Stored[] | string;

/** What the replay read from the same text before the scan: JSON.parse, then the fields. */
function parsed(data: string, key: 'entry' | 'reversal') {
  const entry = (JSON.parse(data) as Record<string, Record<string, Stored>>)[key]!;
  const lines = entry.lines as Record<string, Record<string, string> | string>[];
  return {
    coopId: entry.coopId,
    businessDate: entry.businessDate,
    recordedAt: entry.recordedAt,
    sourceType: (entry.source as Record<string, string>).type,
    lines: lines.map((line) => {
      const amount = (line.debit ?? line.credit) as Record<string, string>;
      return [line.account, line.debit !== undefined, amount.amount, amount.currency];
    }),
  };
}

const scanned = (into: ScannedEntry) => ({
  coopId: into.coopId,
  businessDate: into.businessDate,
  recordedAt: into.recordedAt,
  sourceType: into.sourceType,
  lines: Array.from({ length: into.lineCount }, (_, n) => [
    into.accounts[n],
    into.debits[n],
    into.amounts[n],
    into.currencies[n],
  ]),
});

const text = fc.string({ unit: 'binary', maxLength: 12 });
const amount = fc.bigInt({ min: 1n, max: 10n ** 30n });
const line = fc
  .record({ account: text, debit: fc.boolean(), amount, memo: fc.option(text) })
  .map(({ account, debit: isDebit, amount: minor, memo }) =>
    // Any text, not only codes the chart would take: the scan must read what was stored.
    (isDebit ? debit : credit)(account as AccountCode, money(minor), memo ?? undefined),
  );
const journalEntry: fc.Arbitrary<JournalEntry> = fc
  .record({
    entryId: text,
    coopId: text,
    businessDate: text,
    recordedAt: text,
    description: text,
    lines: fc.array(line, { maxLength: 4 }),
    source: fc.record({ eventId: text, type: text }),
    reverses: fc.option(text),
  })
  .map(({ reverses, ...entry }) => ({
    ...entry,
    entryId: entry.entryId as EntryId,
    coopId: entry.coopId as CoopId,
    ...(reverses === null ? {} : { reverses: reverses as EntryId }),
  }));

const dataText = (event: Parameters<typeof encodeLedgerEvent>[0]) =>
  JSON.stringify(encodeLedgerEvent(event).data);

describe('scanning an entry without JSON.parse', () => {
  it('reads what JSON.parse reads from every entry the ledger writes, or declines', () => {
    let read = 0;
    fc.assert(
      fc.property(journalEntry, fc.boolean(), (entry, reversed) => {
        const [key, data] = reversed
          ? ([
              'reversal',
              dataText({ type: 'EntryReversed', data: { reversal: entry, reason: 'x' } }),
            ] as const)
          : (['entry', dataText({ type: 'EntryPosted', data: { entry } })] as const);
        const into = emptyScannedEntry();
        // Stale lines from an earlier entry must not survive into this one.
        into.lineCount = 9;
        if (!scanEntryData(data, key, into)) {
          // eslint-disable-next-line no-control-regex -- what the scan declines
          expect(data).toMatch(/[\\\u0000-\u001f]/);
          return;
        }
        read++;
        expect(scanned(into)).toEqual(parsed(data, key));
      }),
      { numRuns: 400 },
    );
    expect(read).toBeGreaterThan(100);
  });

  it('takes the members in any order, and the last of a repeated one, as JSON.parse does', () => {
    const data =
      '{"entry":{"lines":[{"credit":{"currency":"IDR","amount":"5"},"memo":"m","account":"2-110"}],' +
      '"source":{"type":"Old","eventId":"e"},"source":{"type":"SavingsDeposited","eventId":"e"},' +
      '"recordedAt":"2026-01-01T00:00:00.000Z","businessDate":"2026-01-01","coopId":"KSP-A","entryId":"x","description":"d"}}';
    const into = emptyScannedEntry();
    expect(scanEntryData(data, 'entry', into)).toBe(true);
    expect(scanned(into)).toEqual(parsed(data, 'entry'));
  });

  it.each([
    ['an escape in any string', '{"entry":{"coopId":"KSP\\"A"}}'],
    ['whitespace', '{"entry": {}}'],
    ['a number where the ledger writes a string', '{"entry":{"coopId":7}}'],
    ['a member the ledger does not write', '{"entry":{"coopId":"A","extra":"x"}}'],
    ['a missing field', '{"entry":{"coopId":"A","businessDate":"d","recordedAt":"r","lines":[]}}'],
    ['the other kind of entry', '{"reversal":{}}'],
    [
      'a line with both sides',
      lineData(
        '{"account":"1","debit":{"amount":"1","currency":"IDR"},"credit":{"amount":"1","currency":"IDR"}}',
      ),
    ],
    ['a line with no side', lineData('{"account":"1"}')],
    ['money without a currency', lineData('{"account":"1","debit":{"amount":"1"}}')],
    [
      'text after the object',
      `${lineData('{"account":"1","debit":{"amount":"1","currency":"IDR"}}')} `,
    ],
    [
      'a text cut short',
      lineData('{"account":"1","debit":{"amount":"1","currency":"IDR"}}').slice(0, -3),
    ],
  ])('declines %s', (_what, data) => {
    expect(scanEntryData(data, 'entry', emptyScannedEntry())).toBe(false);
  });
});

function lineData(line: string): string {
  return `{"entry":{"coopId":"A","businessDate":"d","recordedAt":"r","source":{"type":"t"},"lines":[${line}]}}`;
}

describe('reading an entry from its event body', () => {
  it('parses whole what the scan declines, and reads the same either way', () => {
    const entry = (description: string): JournalEntry => ({
      entryId: 'e1' as EntryId,
      coopId: 'KSP-A' as CoopId,
      businessDate: '2026-01-25',
      recordedAt: '2026-01-25T03:00:00.000Z',
      description,
      lines: [debit('1-110' as AccountCode, money(5n)), credit('2-110' as AccountCode, money(5n))],
      source: { eventId: 's1', type: 'SavingsDeposited' },
    });
    const body = (e: JournalEntry) =>
      canonicalEventText({
        position: 1,
        stream: 'ledger-KSP-A',
        revision: 0,
        id: '01a22665-761b-77aa-aad5-5993525b5331',
        type: 'EntryPosted',
        schemaVersion: 1,
        dataJson: dataText({ type: 'EntryPosted', data: { entry: e } }),
        metadataJson: '{"note":"\\"data\\":"}',
        recordedAt: e.recordedAt,
        businessDate: e.businessDate,
      });
    const [plain, quoted] = [emptyScannedEntry(), emptyScannedEntry()];
    readEntry(body(entry('setoran')), 'EntryPosted', plain);
    readEntry(body(entry('setoran "tunai"\n')), 'EntryPosted', quoted);
    expect(scanned(quoted)).toEqual(scanned(plain));
    expect(plain).toMatchObject({ coopId: 'KSP-A', lineCount: 2, amounts: ['5', '5'] });
    expect(() => readEntry(body(entry('x')), 'EntryReversed', emptyScannedEntry())).toThrow();
    // A line with no amount is refused by the replay only if its as-of takes the entry.
    const withoutAmount = body(entry('x')).replace(
      '{"account":"2-110","credit":{"amount":"5","currency":"IDR"}}',
      '{"account":"2-110"}',
    );
    const read = emptyScannedEntry();
    readEntry(withoutAmount, 'EntryPosted', read);
    expect(read).toMatchObject({ lineCount: 2, lineWithoutAmount: '2-110' });
    readEntry(body(entry('x')), 'EntryPosted', read);
    expect(read.lineWithoutAmount).toBeNull();
  });
});
