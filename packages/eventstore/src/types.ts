/**
 * The event store port. Services depend on this interface only; the SQLite adapter
 * (embedded default) and the KurrentDB adapter (distributed) implement it, and both
 * pass the one conformance suite in ./conformance.
 */

/** Revisions count from 0: a stream with one event is at revision 0. */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /** W3C trace context, so one trace spans HTTP, store and bus. */
  traceparent?: string;
  /** The tenant the event belongs to. */
  coopId?: string;
  [key: string]: unknown;
}

/** JSON values as the store keeps them: no undefined, no bigint, no NaN. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** UUID chosen by the writer: the idempotency key of the append. */
  id: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata?: EventMetadata;
  /** UTC instant; the store's clock when absent (migration keeps the original). */
  recordedAt?: string;
  /** Business date in Asia/Jakarta, `YYYY-MM-DD`; the Jakarta date of recordedAt when absent. */
  businessDate?: string;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  stream: string;
  revision: number;
  /** Global position in the store's log: strictly increasing, starts at 1. */
  position: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: string;
  businessDate: string;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event written: pass it as expectedRevision next time. */
  nextExpectedRevision: number;
  /** Global position of the first and last event written. */
  firstPosition: number;
  position: number;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: ReadDirection;
  /** Inclusive; the first (forwards) or last (backwards) revision when absent. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllFilter {
  /** Only events of these types. */
  types?: readonly string[];
  /** Only streams of these categories (the part of the stream name before the first '-'). */
  categories?: readonly string[];
}

export interface ReadAllOptions extends ReadAllFilter {
  /** Exclusive: events after this global position; 0 reads from the start. */
  after?: number;
  maxCount?: number;
}

interface SubscribeBase extends ReadAllFilter {
  /** Deliver everything after this position (a checkpoint), then live events. */
  after: number;
  /** Upper bound on events read per round trip (and per batch). */
  batchSize?: number;
  /** Called once if the handler or the store fails; the subscription then stops. */
  onError?: (error: unknown) => void;
}

/** Either one event at a time, or whole pages at a time (relays publish pages). */
export type SubscribeOptions = SubscribeBase &
  (
    | { handler: (event: RecordedEvent) => Promise<void> | void; batchHandler?: never }
    | { batchHandler: (events: RecordedEvent[]) => Promise<void> | void; handler?: never }
  );

export interface Subscription {
  /** Position of the last event handed to the handler and completed. */
  readonly position: number;
  /** Stops after the event in flight; resolves once it has completed. */
  stop(): Promise<void>;
  /** Resolves when the subscription ends (stopped or failed). */
  readonly done: Promise<void>;
}

/** One committed append call, sealed into the store's hash chain. */
export interface SealedBatch {
  /** 1-based, gapless. */
  batch: number;
  firstPosition: number;
  lastPosition: number;
  /** Hex SHA-256 of (previous seal ‖ canonical bytes of the batch's events). */
  seal: string;
}

export interface EventStore {
  append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the newest event, 0 when the store is empty. */
  headPosition(): Promise<number>;
  /** Current revision of a stream, or undefined when it has no events. */
  streamRevision(stream: string): Promise<number | undefined>;
  subscribe(options: SubscribeOptions): Subscription;
  readBatches(options?: { afterBatch?: number; maxCount?: number }): Promise<SealedBatch[]>;
  readonly checkpoints: CheckpointStore;
  readonly leases: LeaseStore;
  close(): Promise<void>;
}

/** Named positions (relay, projections, sealer), updated with compare-and-set. */
export interface CheckpointStore {
  get(name: string): Promise<number | undefined>;
  /**
   * Sets `name` to `next` only when its current value is `expected` (undefined: not yet set).
   * Returns false, changing nothing, when another writer got there first.
   */
  compareAndSet(name: string, expected: number | undefined, next: number): Promise<boolean>;
}

/**
 * Time-bound exclusive ownership of a named job (one active relay per store). A holder
 * renews well within the ttl; a crashed holder's lease lapses and another may take it.
 */
export interface LeaseStore {
  /** Takes or renews the lease for `owner`; false when someone else holds an unexpired one. */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  release(name: string, owner: string): Promise<void>;
}
