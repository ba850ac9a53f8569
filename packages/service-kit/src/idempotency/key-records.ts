import { v7 as uuidv7 } from 'uuid';
import type { EventStore } from '@kopfed/eventstore';
import { evolveKey, type IdempotencyEvent, type KeyState } from './idempotency-record';

/** A key's history folded, and the revision it is at (undefined: the key was never used). */
export interface KeyVersion {
  state: KeyState;
  revision: number | undefined;
}

/** Every key's stream begins so: the store's category `idempotency` holds them all. */
export const KEY_STREAM_PREFIX = 'idempotency-';

export const UNUSED_KEY: KeyVersion = { state: { status: 'free' }, revision: undefined };

/**
 * Where an Idempotency-Key's history is kept: a claim, then its response or its release. Keys
 * are named by their stream name (`idempotency-<hash of scope and key>`) in every kind.
 */
export interface KeyRecords {
  load(stream: string): Promise<KeyVersion>;
  /**
   * Records `events` after the version `after` (as `load` gave it, or a previous append), and
   * gives the version they make. Fails with WrongExpectedRevisionError when the key moved
   * since: exactly one of two concurrent claimants wins.
   */
  append(
    stream: string,
    after: KeyVersion,
    events: readonly IdempotencyEvent[],
  ): Promise<KeyVersion>;
}

export function foldKey(after: KeyVersion, events: readonly IdempotencyEvent[]): KeyVersion {
  return {
    state: events.reduce(evolveKey, after.state),
    revision: (after.revision ?? -1) + events.length,
  };
}

/**
 * The records as events in the service's own store, one stream per key: what every store
 * supports, and what processes sharing a store (KurrentDB) need, since only an append with
 * an expected revision tells them apart.
 */
export function eventStreamRecords(store: EventStore): KeyRecords {
  return {
    async load(stream) {
      const events = await store.readStream(stream);
      if (events.length === 0) return UNUSED_KEY;
      // Only the guard writes `idempotency-` streams, so their events have these shapes.
      return foldKey(UNUSED_KEY, events as unknown as IdempotencyEvent[]);
    },
    async append(stream, after, events) {
      await store.append(
        stream,
        events.map((event) => ({
          id: uuidv7(),
          type: event.type,
          schemaVersion: 1,
          data: event.data,
        })),
        { expectedRevision: after.revision === undefined ? 'no_stream' : after.revision },
      );
      return foldKey(after, events);
    },
  };
}
