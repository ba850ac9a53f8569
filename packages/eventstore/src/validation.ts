import { InvalidEventStoreRequestError } from './errors';
import { isCalendarDate, isInstant, jakartaBusinessDate } from './business-date';
import type {
  AppendOptions,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadDirection,
  ReadStreamOptions,
  SubscribeOptions,
} from './types';

/** Bounds that keep one request from exhausting the process. */
export const LIMITS = {
  streamNameLength: 512,
  typeLength: 256,
  eventsPerAppend: 100_000,
  readAllMaxCount: 100_000,
  readAllDefaultCount: 1_000,
  readStreamMaxCount: 1_000_000,
} as const;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Control characters would make stream names ambiguous in logs and exports.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function assertStreamName(stream: unknown, field = 'stream'): asserts stream is string {
  if (typeof stream !== 'string' || stream.length === 0) {
    throw new InvalidEventStoreRequestError(field, 'must be a non-empty string');
  }
  if (stream.length > LIMITS.streamNameLength) {
    throw new InvalidEventStoreRequestError(
      field,
      `longer than ${LIMITS.streamNameLength} characters`,
    );
  }
  if (CONTROL_CHARS.test(stream)) {
    throw new InvalidEventStoreRequestError(field, 'contains control characters');
  }
  if (stream.startsWith('$')) {
    throw new InvalidEventStoreRequestError(field, "names starting with '$' are reserved");
  }
}

export function assertExpectedRevision(value: unknown): asserts value is ExpectedRevision {
  if (value === 'no_stream' || value === 'stream_exists' || value === 'any') return;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  throw new InvalidEventStoreRequestError(
    'expectedRevision',
    `must be a revision (integer ≥ 0), 'no_stream', 'stream_exists' or 'any'; got ${describe(value)}`,
  );
}

export function assertAppendOptions(options: unknown): asserts options is AppendOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidEventStoreRequestError('options', 'must be an object with expectedRevision');
  }
  assertExpectedRevision((options as { expectedRevision?: unknown }).expectedRevision);
}

/** An event checked and serialised, ready for any adapter to write. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
  recordedAt: string;
  businessDate: string;
}

export function prepareEvents(events: unknown, now: Date): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreRequestError('events', 'must be a non-empty array');
  }
  if (events.length > LIMITS.eventsPerAppend) {
    throw new InvalidEventStoreRequestError('events', `more than ${LIMITS.eventsPerAppend} events`);
  }
  const { recordedAt: defaultRecordedAt, businessDate: defaultBusinessDate } = defaultsAt(now);
  // The events of one append usually share one metadata object: it is checked and written once.
  const metadata: MetadataText = { object: undefined, text: '{}' };
  // A short append is checked for a repeated id pairwise, a long one through a set.
  const seen = events.length > PAIRWISE_ID_CHECK_LIMIT ? new Set<string>() : undefined;
  const prepared = new Array<PreparedEvent>(events.length);
  for (let index = 0; index < events.length; index++) {
    const event = prepareEvent(
      events[index],
      index,
      defaultRecordedAt,
      defaultBusinessDate,
      metadata,
    );
    if (seen ? seen.has(event.id) : hasId(prepared, index, event.id)) {
      throw new InvalidEventStoreRequestError(`events[${index}].id`, 'appears twice in one append');
    }
    seen?.add(event.id);
    prepared[index] = event;
  }
  return prepared;
}

const PAIRWISE_ID_CHECK_LIMIT = 16;

/** The defaults of the last clock reading: appends in the same millisecond share them. */
let lastDefaults = { atMs: Number.NaN, recordedAt: '', businessDate: '' };

function defaultsAt(now: Date): { recordedAt: string; businessDate: string } {
  const atMs = now.getTime();
  if (atMs !== lastDefaults.atMs)
    lastDefaults = { atMs, recordedAt: now.toISOString(), businessDate: jakartaBusinessDate(now) };
  return lastDefaults;
}

function hasId(prepared: readonly PreparedEvent[], count: number, id: string): boolean {
  for (let index = 0; index < count; index++) if (prepared[index]!.id === id) return true;
  return false;
}

/** A field of the event at `index`, named only for an error: valid events build no names. */
function fieldOf(index: number, part?: string): string {
  return part === undefined ? `events[${index}]` : `events[${index}].${part}`;
}

/** The last business date found to be a calendar date: an append's events usually share one. */
let lastCalendarDate = '';

function isBusinessDate(value: string): boolean {
  if (value === lastCalendarDate) return true;
  if (!isCalendarDate(value)) return false;
  lastCalendarDate = value;
  return true;
}

/** The metadata object last written and its text. */
interface MetadataText {
  object: unknown;
  text: string;
}

function prepareEvent(
  event: unknown,
  index: number,
  defaultRecordedAt: string,
  defaultBusinessDate: string,
  metadata: MetadataText,
): PreparedEvent {
  if (typeof event !== 'object' || event === null) {
    throw new InvalidEventStoreRequestError(fieldOf(index), 'must be an object');
  }
  const e = event as Partial<NewEvent> & Record<string, unknown>;
  if (typeof e.id !== 'string' || !UUID_PATTERN.test(e.id)) {
    throw new InvalidEventStoreRequestError(fieldOf(index, 'id'), 'must be a UUID');
  }
  if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > LIMITS.typeLength) {
    throw new InvalidEventStoreRequestError(fieldOf(index, 'type'), 'must be a non-empty string');
  }
  if (e.type.startsWith('$') || CONTROL_CHARS.test(e.type)) {
    throw new InvalidEventStoreRequestError(
      fieldOf(index, 'type'),
      "must not start with '$' or hold control characters",
    );
  }
  if (!Number.isSafeInteger(e.schemaVersion) || (e.schemaVersion as number) < 1) {
    throw new InvalidEventStoreRequestError(
      fieldOf(index, 'schemaVersion'),
      'must be an integer ≥ 1',
    );
  }
  if (
    e.metadata !== undefined &&
    (typeof e.metadata !== 'object' || e.metadata === null || Array.isArray(e.metadata))
  ) {
    throw new InvalidEventStoreRequestError(fieldOf(index, 'metadata'), 'must be an object');
  }
  // Defaults come from the clock and are well-formed; only caller-supplied times are checked.
  let recordedAt = defaultRecordedAt;
  if (e.recordedAt !== undefined) {
    if (typeof e.recordedAt !== 'string' || !isInstant(e.recordedAt)) {
      throw new InvalidEventStoreRequestError(
        fieldOf(index, 'recordedAt'),
        'must be an ISO 8601 instant',
      );
    }
    recordedAt = new Date(e.recordedAt).toISOString();
  }
  let businessDate =
    e.recordedAt === undefined ? defaultBusinessDate : jakartaBusinessDate(new Date(recordedAt));
  if (e.businessDate !== undefined) {
    if (typeof e.businessDate !== 'string' || !isBusinessDate(e.businessDate)) {
      throw new InvalidEventStoreRequestError(
        fieldOf(index, 'businessDate'),
        'must be a date YYYY-MM-DD',
      );
    }
    businessDate = e.businessDate;
  }
  return {
    id: e.id.toLowerCase(),
    type: e.type,
    schemaVersion: e.schemaVersion as number,
    dataJson: dataText(e.data, index),
    metadataJson: metadataText(e.metadata, index, metadata),
    recordedAt,
    businessDate,
  };
}

function dataText(value: unknown, index: number): string {
  if (value === undefined || findNonJson(value, 0) !== undefined)
    return toJsonText(value, fieldOf(index, 'data'));
  return JSON.stringify(value);
}

function metadataText(value: unknown, index: number, last: MetadataText): string {
  if (value === undefined) return '{}';
  if (value !== last.object) {
    last.text =
      findNonJson(value, 0) === undefined
        ? JSON.stringify(value)
        : toJsonText(value, fieldOf(index, 'metadata'));
    last.object = value;
  }
  return last.text;
}

/**
 * Serialises plain JSON only. Values JSON.stringify would silently drop or change
 * (undefined, functions, symbols, NaN, Infinity, Dates) and values it cannot write (bigint,
 * cycles) are refused, so what is read back is exactly what was appended.
 */
export function toJsonText(value: unknown, field: string): string {
  if (value === undefined) {
    throw new InvalidEventStoreRequestError(field, 'is required (use null for no value)');
  }
  const problem = findNonJson(value, 0);
  if (problem !== undefined) {
    throw new InvalidEventStoreRequestError(field, `is not serialisable JSON: ${problem}`);
  }
  return JSON.stringify(value);
}

/** Nesting deeper than this is refused: it would also overflow JSON.parse on the way back. */
const MAX_JSON_DEPTH = 64;

/** Describes the first value that is not plain JSON, or undefined when all of it is. */
function findNonJson(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${value} is not a finite number`;
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_JSON_DEPTH)
        return `nested deeper than ${MAX_JSON_DEPTH} levels (or circular)`;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = findNonJson(value[i], depth + 1);
          if (problem !== undefined) return `[${i}]: ${problem}`;
        }
        return undefined;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null)
        return 'an object that is not a plain object';
      for (const key in value) {
        const problem = findNonJson((value as Record<string, unknown>)[key], depth + 1);
        if (problem !== undefined) return `key "${key}": ${problem}`;
      }
      return undefined;
    }
    default:
      return `a ${typeof value}`;
  }
}

export function normaliseReadAll(
  options: ReadAllOptions | undefined,
): Required<Pick<ReadAllOptions, 'after' | 'maxCount'>> & ReadAllOptions {
  const after = options?.after ?? 0;
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new InvalidEventStoreRequestError('after', 'must be a position (integer ≥ 0)');
  }
  const maxCount = options?.maxCount ?? LIMITS.readAllDefaultCount;
  assertCount(maxCount, LIMITS.readAllMaxCount);
  for (const key of ['types', 'categories'] as const) {
    const list = options?.[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) {
      throw new InvalidEventStoreRequestError(key, 'must be a list of strings');
    }
  }
  return { ...options, after, maxCount };
}

export function assertCount(maxCount: unknown, limit: number): asserts maxCount is number {
  if (!Number.isSafeInteger(maxCount) || (maxCount as number) < 1 || (maxCount as number) > limit) {
    throw new InvalidEventStoreRequestError('maxCount', `must be an integer from 1 to ${limit}`);
  }
}

/** The category of a stream: the part of its name before the first '-'. */
export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/** readStream options, checked, with their defaults. */
export function normaliseReadStream(options: ReadStreamOptions): {
  direction: ReadDirection;
  fromRevision?: number;
  maxCount: number;
} {
  const maxCount = options.maxCount ?? LIMITS.readStreamMaxCount;
  assertCount(maxCount, LIMITS.readStreamMaxCount);
  const direction = options.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new InvalidEventStoreRequestError('direction', "must be 'forwards' or 'backwards'");
  }
  const fromRevision = options.fromRevision;
  if (fromRevision !== undefined && (!Number.isSafeInteger(fromRevision) || fromRevision < 0)) {
    throw new InvalidEventStoreRequestError('fromRevision', 'must be an integer ≥ 0');
  }
  return fromRevision === undefined
    ? { direction, maxCount }
    : { direction, fromRevision, maxCount };
}

export function normaliseReadBatches(options: { afterBatch?: number; maxCount?: number }): {
  afterBatch: number;
  maxCount: number;
} {
  const maxCount = options.maxCount ?? LIMITS.readAllDefaultCount;
  assertCount(maxCount, LIMITS.readAllMaxCount);
  const afterBatch = options.afterBatch ?? 0;
  if (!Number.isSafeInteger(afterBatch) || afterBatch < 0) {
    throw new InvalidEventStoreRequestError('afterBatch', 'must be a batch number (integer ≥ 0)');
  }
  return { afterBatch, maxCount };
}

export function pickFilter(
  options: SubscribeOptions,
): Pick<ReadAllOptions, 'types' | 'categories'> {
  return {
    ...(options.types ? { types: options.types } : {}),
    ...(options.categories ? { categories: options.categories } : {}),
  };
}

export function assertCheckpointName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 256) {
    throw new InvalidEventStoreRequestError('name', 'must be a string of 1 to 256 characters');
  }
}

export function assertPosition(value: unknown, field: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new InvalidEventStoreRequestError(field, 'must be a position (integer ≥ 0)');
  }
}

/** Whether a stream at `current` (undefined: no events) satisfies the expectation. */
export function revisionMatches(expected: ExpectedRevision, current: number | undefined): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === undefined;
    case 'stream_exists':
      return current !== undefined;
    default:
      return current === expected;
  }
}

/** A lease's name and owner; `ttlMs` too when `acquiring`: a lease always has a deadline. */
export function assertLeaseRequest(
  name: unknown,
  owner: unknown,
  ...acquiring: [ttlMs: unknown] | []
): void {
  assertCheckpointName(name);
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 256) {
    throw new InvalidEventStoreRequestError('owner', 'must be a string of 1 to 256 characters');
  }
  if (acquiring.length === 0) return;
  const [ttlMs] = acquiring;
  if (!Number.isSafeInteger(ttlMs) || (ttlMs as number) < 1 || (ttlMs as number) > 3_600_000) {
    throw new InvalidEventStoreRequestError('ttlMs', 'must be an integer from 1 to 3,600,000');
  }
}
