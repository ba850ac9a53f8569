import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  type Filter,
  type KurrentDBClient,
  type ReadRevision,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../errors';
import type { ReadAllOptions, ReadDirection, RecordedEvent } from '../types';
import { streamCategory } from '../validation';
import { decodeEvent, toSafeNumber, type LoggedEvent } from './kurrentdb-mapping';
import type { StreamNames } from './kurrentdb-names';

/**
 * Reads go to the leader: the adapter decides what to write from what it reads (expected
 * revisions, the id index, the seal chain), so it must see its own acknowledged writes.
 */
const READ_OPTIONS = { requiresLeader: true } as const;

export interface LogPage {
  /** This service's events strictly after `after`, in log order ($-typed events left out). */
  events: LoggedEvent[];
  /** Position of the last record the server returned, read or left out. */
  lastPosition: number;
  /** True when the server had nothing more after this page. */
  exhausted: boolean;
}

/**
 * One page of the service's part of the global log ($all), strictly after `after`.
 *
 * Positions: KurrentDB writes each append as one implicit transaction and gives every
 * event of it its own record, whose commit position is the record's byte offset in the
 * transaction log. So commit positions are unique per event and grow in log order, but
 * are not contiguous (they step by record sizes, and other services' records lie
 * between), hence the conformance target `contiguousPositions: false`.
 *
 * A read from a position includes the record at that position, so the page asks for one
 * more record and drops those at or before `after`.
 */
export async function readLogPage(
  client: KurrentDBClient,
  names: StreamNames,
  after: number,
  maxCount: number,
  filter: Filter,
): Promise<LogPage> {
  const requested = maxCount + 1;
  const fromPosition = after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
  const events: LoggedEvent[] = [];
  let lastPosition = after;
  let returned = 0;
  for await (const resolved of client.readAll({
    ...READ_OPTIONS,
    fromPosition,
    maxCount: requested,
    filter,
  })) {
    returned++;
    const recorded = resolved.event;
    if (!recorded) continue;
    const position = toSafeNumber(recorded.position.commit, 'position');
    if (position <= after) continue;
    lastPosition = Math.max(lastPosition, position);
    const stream = names.fromKurrent(recorded.streamId);
    if (stream === undefined || recorded.type.startsWith('$')) continue;
    events.push(decodeEvent(recorded, stream));
  }
  return { events, lastPosition, exhausted: returned < requested };
}

/** Pages read ahead when filtering by type on this side. */
const TYPE_FILTER_PAGE_SIZE = 1_000;
/** One call reads at most this many pages (a billion events). */
const MAX_READ_PAGES = 1_000_000;

/**
 * The port's readAll over the service's log. Stream categories are filtered by the server
 * (and checked again here); event types here, since one server-side filter cannot hold
 * both a stream and a type condition.
 */
export async function readServiceEvents(
  client: KurrentDBClient,
  names: StreamNames,
  options: ReadAllOptions & { after: number; maxCount: number },
): Promise<RecordedEvent[]> {
  const { after, maxCount, types, categories } = options;
  const filter = names.filter(categories);
  if (!filter || types?.length === 0) return [];
  const wanted = types && new Set(types);
  const result: RecordedEvent[] = [];
  // Ends at the end of the log at the latest: every page that is not the last moves `from` on.
  for (let from = after, pages = 0; result.length < maxCount && pages < MAX_READ_PAGES; pages++) {
    const remaining = maxCount - result.length;
    const pageSize = wanted ? Math.max(remaining, TYPE_FILTER_PAGE_SIZE) : remaining;
    const page = await readLogPage(client, names, from, pageSize, filter);
    for (const { event } of page.events) {
      if (wanted && !wanted.has(event.type)) continue;
      if (categories && !categories.includes(streamCategory(event.stream))) continue;
      result.push(event);
      if (result.length === maxCount) break;
    }
    if (page.exhausted) break;
    from = page.lastPosition;
  }
  return result;
}

/** Position of the newest event of the service, 0 when it has none. */
export async function readHeadPosition(
  client: KurrentDBClient,
  names: StreamNames,
): Promise<number> {
  const filter = names.filter()!;
  for await (const resolved of client.readAll({
    ...READ_OPTIONS,
    fromPosition: END,
    direction: BACKWARDS,
    maxCount: 1,
    filter,
  })) {
    if (resolved.event) return toSafeNumber(resolved.event.position.commit, 'position');
  }
  return 0;
}

/** The event at exactly `position` in the service's log; fails loudly when there is none. */
export async function readEventAt(
  client: KurrentDBClient,
  names: StreamNames,
  position: number,
): Promise<LoggedEvent> {
  const fromPosition = { commit: BigInt(position), prepare: BigInt(position) };
  for await (const resolved of client.readAll({
    ...READ_OPTIONS,
    fromPosition,
    maxCount: 1,
    filter: names.filter()!,
  })) {
    const recorded = resolved.event;
    const stream = recorded && names.fromKurrent(recorded.streamId);
    if (
      recorded &&
      stream !== undefined &&
      toSafeNumber(recorded.position.commit, 'position') === position
    ) {
      return decodeEvent(recorded, stream);
    }
  }
  throw new EventStoreError(`no event of service ${names.service} at log position ${position}`);
}

/** Events of one KurrentDB stream; a stream that does not exist reads as empty. */
export async function readStreamEvents(
  client: KurrentDBClient,
  stream: string,
  options: { direction: ReadDirection; fromRevision?: number; maxCount: number },
): Promise<KurrentRecordedEvent[]> {
  const forwards = options.direction === 'forwards';
  const fromRevision: ReadRevision =
    options.fromRevision !== undefined ? BigInt(options.fromRevision) : forwards ? START : END;
  const events: KurrentRecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(stream, {
      ...READ_OPTIONS,
      direction: forwards ? FORWARDS : BACKWARDS,
      fromRevision,
      maxCount: options.maxCount,
    })) {
      if (resolved.event && !resolved.event.type.startsWith('$')) events.push(resolved.event);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
}

/** The newest event of a stream, or undefined when the stream does not exist. */
export async function readLastEvent(
  client: KurrentDBClient,
  stream: string,
): Promise<KurrentRecordedEvent | undefined> {
  const [last] = await readStreamEvents(client, stream, { direction: 'backwards', maxCount: 1 });
  return last;
}
