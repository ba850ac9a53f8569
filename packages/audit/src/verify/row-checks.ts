import { streamCategory } from '@kopfed/eventstore';
import type { FindingInput } from './findings';
import { safeJson } from './checkpoint-evidence';

/** One row of the events table, as the scan selects it. */
export type EventRow = [
  position: number,
  id: string,
  stream: string,
  revision: number,
  category: string,
  type: string,
  recordedAt: string,
  businessDate: string,
  batch: number,
  body: string,
];

export const EVENT_ROWS_SQL =
  'SELECT position, id, stream, revision, category, type, recorded_at, business_date, batch, body FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?';

/**
 * The index columns must say what the body says: reads by stream, type and category select
 * rows by their columns but return their bodies, so a column changed on its own would make
 * readStream and readAll disagree. The body's canonical text begins with position, id,
 * stream, revision and type and ends with the two dates, so this needs no parsing.
 */
export function columnsDisagree(row: EventRow): FindingInput | undefined {
  const [, id, stream, , category, type, recordedAt, businessDate] = row;
  const plain =
    !NEEDS_ESCAPE.test(id) &&
    !NEEDS_ESCAPE.test(recordedAt) &&
    isPlain(stream, 0) &&
    isPlain(type, 1) &&
    isPlain(businessDate, 2);
  const agree = plain ? agreePlain(row) : agreeEscaped(row);
  return agree && isCategoryOf(category, stream) ? undefined : explain(row);
}

// eslint-disable-next-line no-control-regex -- JSON escapes control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

/** The last stream, type and business date found plain: they repeat row after row. */
const lastPlain = ['', '', ''];

/** Whether JSON.stringify(value) is value in quotes. */
function isPlain(value: string, field: 0 | 1 | 2): boolean {
  if (value === lastPlain[field]) return true;
  if (NEEDS_ESCAPE.test(value)) return false;
  lastPlain[field] = value;
  return true;
}

/**
 * The canonical head and tail matched piece by piece where they must stand, without building
 * them: a verify compares a million of them.
 */
function agreePlain(row: EventRow): boolean {
  const [position, id, stream, revision, , type, recordedAt, businessDate, , body] = row;
  let at = follows(body, 0, '{"position":');
  at = follows(body, at, String(position));
  at = follows(body, follows(body, at, ',"id":"'), id);
  at = follows(body, follows(body, at, '","stream":"'), stream);
  at = follows(body, follows(body, at, '","revision":'), String(revision));
  at = follows(body, follows(body, at, ',"type":"'), type);
  if (follows(body, at, '","schemaVersion":') === -1) return false;
  // ,"recordedAt":"…","businessDate":"…"} is 35 characters besides the two dates.
  const tail = body.length - (35 + recordedAt.length + businessDate.length);
  if (tail < 0) return false;
  at = follows(body, follows(body, tail, ',"recordedAt":"'), recordedAt);
  at = follows(body, follows(body, at, '","businessDate":"'), businessDate);
  return follows(body, at, '"}') === body.length;
}

/** Where `piece` ends if it stands at `at` in `text`; -1 if not (or if `at` is already -1). */
function follows(text: string, at: number, piece: string): number {
  return at !== -1 && text.startsWith(piece, at) ? at + piece.length : -1;
}

function agreeEscaped(row: EventRow): boolean {
  const [position, id, stream, revision, , type, recordedAt, businessDate, , body] = row;
  const head =
    `{"position":${position},"id":${quote(id)},"stream":${quote(stream)},` +
    `"revision":${revision},"type":${quote(type)},"schemaVersion":`;
  const tail = `,"recordedAt":${quote(recordedAt)},"businessDate":${quote(businessDate)}}`;
  return body.startsWith(head) && body.endsWith(tail);
}

/** Only strings that need escaping pay for JSON.stringify. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** category === streamCategory(stream), without slicing the stream name. */
function isCategoryOf(category: string, stream: string): boolean {
  const dash = stream.indexOf('-');
  return dash === -1
    ? category === stream
    : category.length === dash && stream.startsWith(category);
}

function explain(row: EventRow): FindingInput {
  const [position, id, stream, revision, category, type, , , , body] = row;
  const at = { position, stream, revision, eventId: id };
  const event = safeJson(body) as
    Partial<Record<'position' | 'id' | 'stream' | 'revision' | 'type', unknown>> | undefined;
  if (!event || typeof event !== 'object')
    return { kind: 'altered', ...at, detail: 'the event body is not JSON' };
  if (event.position !== position)
    return {
      kind: 'reordered',
      ...at,
      detail: `the event at position ${position} says it is position ${String(event.position)}`,
    };
  if (category !== streamCategory(stream))
    return { kind: 'altered', ...at, detail: `the category column says ${category}` };
  const differing = (['id', 'stream', 'revision', 'type'] as const).filter(
    (field) => event[field] !== { id, stream, revision, type }[field],
  );
  return {
    kind: 'altered',
    ...at,
    detail:
      differing.length > 0
        ? `the index columns (${differing.join(', ')}) disagree with the event body`
        : 'the event body is not in canonical form, or its dates disagree with their columns',
  };
}
