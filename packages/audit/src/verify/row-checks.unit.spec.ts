import fc from 'fast-check';
import { canonicalEventText, streamCategory } from '@kopfed/eventstore';
import { columnsDisagree, type EventRow } from './row-checks';

interface Columns {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  recordedAt: string;
  businessDate: string;
}

const base: Columns = {
  position: 42,
  id: '01a22665-761b-77aa-aad5-5993525b5331',
  stream: 'ledger-KSP-0',
  revision: 5,
  type: 'EntryPosted',
  recordedAt: '2026-01-25T03:00:00.000Z',
  businessDate: '2026-01-25',
};

const bodyOf = (c: Columns): string =>
  canonicalEventText({ ...c, schemaVersion: 1, dataJson: '{"n":1}', metadataJson: '{}' });

/** A row whose columns are `columns` and whose body was written for `body`. */
const row = (columns: Columns, body = bodyOf(columns), category = streamCategory(columns.stream)) =>
  [
    columns.position,
    columns.id,
    columns.stream,
    columns.revision,
    category,
    columns.type,
    columns.recordedAt,
    columns.businessDate,
    1,
    body,
  ] as EventRow;

describe('the index columns against the event body', () => {
  it('agree for every canonical event, strings that need escaping included', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(
        fc.record({
          position: fc.nat(),
          id: text,
          stream: text,
          revision: fc.nat(),
          type: text,
          recordedAt: text,
          businessDate: text,
        }),
        (columns) => expect(columnsDisagree(row(columns))).toBeUndefined(),
      ),
      { numRuns: 500 },
    );
    const quoted = { ...base, stream: 'ledger-"KSP"\\0', type: 'Entry\nPosted\u2028' };
    expect(columnsDisagree(row(quoted))).toBeUndefined();
  });

  it.each([
    ['position', { position: 43 }, 'reordered', /says it is position 42/],
    ['id', { id: '01a22665-761b-77aa-aad5-5993525b5332' }, 'altered', /\(id\)/],
    ['stream', { stream: 'ledger-KSP-1' }, 'altered', /\(stream\)/],
    ['revision', { revision: 6 }, 'altered', /\(revision\)/],
    ['type', { type: 'EntryReversed' }, 'altered', /\(type\)/],
    ['recorded_at', { recordedAt: '2026-01-25T03:00:00.001Z' }, 'altered', /dates disagree/],
    ['business_date', { businessDate: '2026-01-26' }, 'altered', /dates disagree/],
    ['type, needing escapes', { type: 'Entry"Posted' }, 'altered', /\(type\)/],
  ] as const)('find the %s column changed alone', (_column, change, kind, detail) => {
    const finding = columnsDisagree(row({ ...base, ...change }, bodyOf(base)));
    expect(finding).toMatchObject({ kind, detail: expect.stringMatching(detail) });
  });

  it('find a wrong category, a body cut short, and a string written unescaped', () => {
    expect(columnsDisagree(row(base, bodyOf(base), 'savings'))).toMatchObject({
      detail: 'the category column says savings',
    });
    expect(columnsDisagree(row(base, bodyOf(base).slice(0, -1)))).toMatchObject({
      kind: 'altered',
    });
    expect(columnsDisagree(row(base, '{"position":42}'))).toMatchObject({ kind: 'altered' });
    const quoted = { ...base, type: 'Entry"Posted' };
    const unescaped = bodyOf(quoted).replace('Entry\\"Posted', 'Entry"Posted');
    expect(columnsDisagree(row(quoted, unescaped))).toMatchObject({ kind: 'altered' });
  });
});
