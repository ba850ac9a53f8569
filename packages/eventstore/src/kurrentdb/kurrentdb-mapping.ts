import {
  ANY,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendStreamState,
  type CurrentStreamState,
  type EventData,
  type JSONType,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { EventStoreError } from '../errors';
import type { SealableEvent } from '../seal';
import type { EventMetadata, ExpectedRevision, RecordedEvent } from '../types';
import type { PreparedEvent } from '../validation';

/** The port's expected revision in the client's terms (revisions are bigint there). */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/**
 * The actual revision a WrongExpectedVersionError reports, in the port's terms: undefined
 * when the stream has no events. The server reports deleted streams as negative numbers;
 * they have no events the port could read either.
 */
export function fromCurrentState(current: CurrentStreamState): number | undefined {
  if (current === NO_STREAM || current < 0n) return undefined;
  return toSafeNumber(current, 'revision');
}

/** Revisions and log positions are bigint in the client and number in the port. */
export function toSafeNumber(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new EventStoreError(`${what} ${value} does not fit the port's number range`);
  }
  return Number(value);
}

/**
 * What the adapter keeps in the KurrentDB event metadata. The port's own metadata sits
 * under `metadata`, so no key of it can collide with the adapter's fields. `append`
 * records [index of the event in its append call, number of events in the call]: the
 * catch-up sealer needs it to split the log into the batches it seals, since log
 * positions alone do not show where one append ends and the next begins.
 */
export interface StoredMetadata {
  schemaVersion: number;
  recordedAt: string;
  businessDate: string;
  append: [index: number, size: number];
  metadata: EventMetadata;
}

export function encodeEvent(event: PreparedEvent, index: number, size: number): EventData {
  const metadata: StoredMetadata = {
    schemaVersion: event.schemaVersion,
    recordedAt: event.recordedAt,
    businessDate: event.businessDate,
    append: [index, size],
    metadata: JSON.parse(event.metadataJson) as EventMetadata,
  };
  return jsonEvent({
    id: event.id,
    type: event.type,
    // Any JSON value, not only the containers JSONType names: the client JSON.stringifies
    // it, and JSON.stringify(JSON.parse(dataJson)) === dataJson, so the bytes stored are
    // the bytes validated.
    data: JSON.parse(event.dataJson) as JSONType,
    metadata: metadata as unknown as JSONType,
  });
}

/** A port event as read from the log, with the position of its append call. */
export interface LoggedEvent {
  event: RecordedEvent;
  appendIndex: number;
  appendSize: number;
}

/**
 * Maps a KurrentDB event back to the port's RecordedEvent. `position` is the event's
 * commit position; see readLogPage for why that is a valid global position.
 */
export function decodeEvent(recorded: KurrentRecordedEvent, stream: string): LoggedEvent {
  if (!recorded.isJson) throw foreign(recorded, 'its data is not JSON');
  if (recorded.position === undefined) {
    throw new EventStoreError(
      'KurrentDB returned an event without its log position (server older than 22.6?)',
    );
  }
  const stored = decodeMetadata(recorded.metadata);
  if (!stored) throw foreign(recorded, 'its metadata is not the kopfed envelope');
  return {
    event: {
      id: recorded.id,
      stream,
      revision: toSafeNumber(recorded.revision, 'revision'),
      position: toSafeNumber(recorded.position.commit, 'position'),
      type: recorded.type,
      schemaVersion: stored.schemaVersion,
      data: recorded.data,
      metadata: stored.metadata,
      recordedAt: stored.recordedAt,
      businessDate: stored.businessDate,
    },
    appendIndex: stored.append[0],
    appendSize: stored.append[1],
  };
}

export function decodeMetadata(value: unknown): StoredMetadata | undefined {
  if (!isRecord(value)) return undefined;
  const { schemaVersion, recordedAt, businessDate, append, metadata } = value;
  if (
    !Number.isSafeInteger(schemaVersion) ||
    typeof recordedAt !== 'string' ||
    typeof businessDate !== 'string'
  ) {
    return undefined;
  }
  if (!Array.isArray(append) || append.length !== 2 || !isRecord(metadata)) return undefined;
  const [index, size] = append as unknown[];
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size)) return undefined;
  if ((index as number) < 0 || (index as number) >= (size as number)) return undefined;
  return {
    schemaVersion: schemaVersion as number,
    recordedAt,
    businessDate,
    append: [index as number, size as number],
    metadata,
  };
}

/** The event as the seal chain hashes it: JSON texts as they read back, like `verify` sees them. */
export function toSealable(event: RecordedEvent): SealableEvent {
  return {
    position: event.position,
    stream: event.stream,
    revision: event.revision,
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    recordedAt: event.recordedAt,
    businessDate: event.businessDate,
    dataJson: JSON.stringify(event.data),
    metadataJson: JSON.stringify(event.metadata),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

function foreign(recorded: KurrentRecordedEvent, why: string): EventStoreError {
  return new EventStoreError(
    `event ${recorded.id} in ${recorded.streamId} was not written by this adapter: ${why}`,
  );
}
