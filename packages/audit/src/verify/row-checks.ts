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
  'SELECT position, id, stream, revision, category, type, recorded_at, business_date, batch, body FROM events WHERE position > ? ORDER BY position LIMIT ?';

/**
 * The index columns must say what the body says: reads by stream, type and category select
 * rows by their columns but return their bodies, so a column changed on its own would make
 * readStream and readAll disagree. The body's canonical text begins with position, id,
 * stream, revision and type and ends with the two dates, so this needs no parsing.
 */
export function columnsDisagree(row: EventRow): FindingInput | undefined {
  const [position, id, stream, revision, category, type, recordedAt, businessDate, , body] = row;
  const head =
    `{"position":${position},"id":${quote(id)},"stream":${quote(stream)},` +
    `"revision":${revision},"type":${quote(type)},"schemaVersion":`;
  const tail = `,"recordedAt":${quote(recordedAt)},"businessDate":${quote(businessDate)}}`;
  if (body.startsWith(head) && body.endsWith(tail) && category === streamCategory(stream))
    return undefined;
  return explain(row);
}

/** Only strings that need escaping pay for JSON.stringify. */
function quote(text: string): string {
  // eslint-disable-next-line no-control-regex -- JSON escapes control characters
  return /["\\\u0000-\u001f\u2028\u2029]/.test(text) ? JSON.stringify(text) : `"${text}"`;
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
