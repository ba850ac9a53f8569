import type { ExpectedRevision } from './types';

/** Base class of every error the event store raises on purpose. */
export class EventStoreError extends Error {
  override readonly name: string = 'EventStoreError';
}

/** The stream was not at the expected revision; nothing was written. */
export class WrongExpectedRevisionError extends EventStoreError {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expectedRevision: ExpectedRevision,
    /** undefined when the stream has no events. */
    readonly actualRevision: number | undefined,
  ) {
    super(
      `stream ${stream}: expected revision ${String(expectedRevision)}, actual ${
        actualRevision === undefined ? 'no_stream' : actualRevision
      }`,
    );
  }
}

/** The append or read request itself is malformed; nothing was written. */
export class InvalidEventStoreRequestError extends EventStoreError {
  override readonly name = 'InvalidEventStoreRequestError';
  constructor(
    /** Which part of the request is wrong, e.g. `stream` or `events[2].data`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * Some of the event ids already exist, but not as an exact earlier append of the same
 * events to the same stream; nothing was written.
 */
export class DuplicateEventIdError extends EventStoreError {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly eventId: string,
    readonly existingStream: string,
  ) {
    super(`event id ${eventId} already exists in stream ${existingStream}`);
  }
}

/** The store was closed; the operation did not run. */
export class EventStoreClosedError extends EventStoreError {
  override readonly name = 'EventStoreClosedError';
  constructor() {
    super('event store is closed');
  }
}

/**
 * The store did not answer in time: another connection held SQLite's lock past the busy
 * timeout, or KurrentDB was out of reach, without a leader or too slow. Not a bug: the same
 * operation may succeed shortly. A failed SQLite append was rolled back; a KurrentDB append
 * may have landed before the answer was lost, and retrying it with the same event ids is safe.
 */
export class EventStoreUnavailableError extends EventStoreError {
  override readonly name = 'EventStoreUnavailableError';
  constructor(cause: unknown) {
    super(`event store did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
