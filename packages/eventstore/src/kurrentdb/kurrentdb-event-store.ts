import {
  KurrentDBClient,
  MaxAppendSizeExceededError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  DuplicateEventIdError,
  EventStoreClosedError,
  EventStoreError,
  InvalidEventStoreRequestError,
  WrongExpectedRevisionError,
} from '../errors';
import { pollingSubscription } from '../subscription';
import type {
  AppendOptions,
  AppendResult,
  CheckpointStore,
  EventStore,
  LeaseStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SealedBatch,
  SubscribeOptions,
  Subscription,
} from '../types';
import {
  assertAppendOptions,
  assertStreamName,
  normaliseReadAll,
  normaliseReadBatches,
  normaliseReadStream,
  pickFilter,
  prepareEvents,
  revisionMatches,
  type PreparedEvent,
} from '../validation';
import { KurrentDbCheckpointStore } from './kurrentdb-checkpoint-store';
import { KurrentDbLeaseStore } from './kurrentdb-lease-store';
import {
  decodeEvent,
  encodeEvent,
  fromCurrentState,
  toSafeNumber,
  toStreamState,
} from './kurrentdb-mapping';
import { LogFollower } from './kurrentdb-log-follower';
import { StreamNames } from './kurrentdb-names';
import {
  readEventAt,
  readHeadPosition,
  readLastEvent,
  readServiceEvents,
  readStreamEvents,
} from './kurrentdb-reads';
import { readSeals, Sealer } from './kurrentdb-sealer';
import { Mutex } from './mutex';
import { answered } from './kurrentdb-unreachable';

export interface KurrentDbEventStoreOptions {
  /** The service whose namespace this store is; see StreamNames. */
  service: string;
  /** Source of recordedAt for events that do not carry one. */
  clock?: () => Date;
  /** How often subscriptions look for events written by other processes. */
  pollIntervalMs?: number;
}

/**
 * The distributed event store: one service's namespace in a KurrentDB cluster (see
 * StreamNames for the layout).
 *
 * Appends from this process run one at a time (an in-process mutex), each as: catch up
 * with the service's log (LogFollower), answer a retry from what is already there, append
 * with the expected revision, then catch up again, which seals the append.
 *
 * Subscriptions poll readAll (the shared pollingSubscription), so they inherit its
 * guarantees: each read starts strictly after the last delivered position, the handler is
 * awaited one event at a time. Local appends wake them at once; other processes' appends
 * are seen within pollIntervalMs.
 */
export class KurrentDbEventStore implements EventStore {
  readonly checkpoints: CheckpointStore;
  readonly leases: LeaseStore;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly writeLock = new Mutex();
  private readonly follower: LogFollower;
  private closed = false;
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();

  private constructor(
    private readonly client: KurrentDBClient,
    private readonly names: StreamNames,
    options: KurrentDbEventStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.follower = new LogFollower(client, names, new Sealer(client, names.seals));
    this.checkpoints = new KurrentDbCheckpointStore(client, names, () => this.assertOpen());
    this.leases = new KurrentDbLeaseStore(client, names, this.clock, () => this.assertOpen());
  }

  /** Connects lazily: nothing goes over the network before the first operation. */
  static connect(url: string, options: KurrentDbEventStoreOptions): KurrentDbEventStore {
    const names = new StreamNames(options.service);
    return new KurrentDbEventStore(KurrentDBClient.connectionString(url), names, options);
  }

  /** Bad input is refused (a rejected promise) before anything goes over the network. */
  async append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    this.assertOpen();
    assertStreamName(stream);
    assertAppendOptions(options);
    const prepared = prepareEvents(events, this.clock());
    return this.writeLock.run(async () => {
      const result = await answered(() =>
        this.appendNow(stream, options.expectedRevision, prepared),
      );
      for (const listener of this.listeners) listener();
      return result;
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(stream);
    const read = normaliseReadStream(options);
    const events = await answered(() =>
      readStreamEvents(this.client, this.names.toKurrent(stream), read),
    );
    return events.map((e) => decodeEvent(e, stream).event);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const read = normaliseReadAll(options);
    return answered(() => readServiceEvents(this.client, this.names, read));
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return answered(() => readHeadPosition(this.client, this.names));
  }

  async streamRevision(stream: string): Promise<number | undefined> {
    this.assertOpen();
    assertStreamName(stream);
    const newest = await answered(() => readLastEvent(this.client, this.names.toKurrent(stream)));
    return newest === undefined ? undefined : toSafeNumber(newest.revision, 'revision');
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    normaliseReadAll({ after: options.after, ...pickFilter(options) });
    // Subscriptions read without the closed check: close() stops them before it disposes
    // the client, and one polling meanwhile must not fail as if the store were gone.
    const subscription = pollingSubscription(
      {
        readAll: async (o) =>
          answered(() => readServiceEvents(this.client, this.names, normaliseReadAll(o))),
        onAppended: (l) => this.onAppended(l),
      },
      options,
      this.pollIntervalMs,
    );
    this.subscriptions.add(subscription);
    void subscription.done.finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  async readBatches(
    options: { afterBatch?: number; maxCount?: number } = {},
  ): Promise<SealedBatch[]> {
    this.assertOpen();
    const { afterBatch, maxCount } = normaliseReadBatches(options);
    return answered(() => readSeals(this.client, this.names.seals, afterBatch, maxCount));
  }

  /** Runs `listener` after every append from this store; returns a function that unregisters it. */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writeLock.run(async () => undefined);
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }

  private async appendNow(
    stream: string,
    expected: ExpectedRevision,
    events: PreparedEvent[],
  ): Promise<AppendResult> {
    await this.follower.catchUp();
    const replayed = await this.replayedAppend(stream, expected, events);
    if (replayed) return replayed;
    let nextExpectedRevision: bigint;
    try {
      const written = await this.client.appendToStream(
        this.names.toKurrent(stream),
        events.map((event, index) => encodeEvent(event, index, events.length)),
        { streamState: toStreamState(expected) },
      );
      nextExpectedRevision = written.nextExpectedRevision;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(stream, expected, fromCurrentState(error.actualState));
      }
      if (error instanceof MaxAppendSizeExceededError) {
        // The server checks the size of the whole append, which only it knows how to measure.
        throw new InvalidEventStoreRequestError(
          'events',
          `exceed the server's maximum append size (${error.maxAppendSize} bytes)`,
        );
      }
      throw error;
    }
    const [first, last] = [events[0]!.id, events[events.length - 1]!.id];
    await this.follower.catchUpWith([first, last]);
    return {
      nextExpectedRevision: toSafeNumber(nextExpectedRevision, 'revision'),
      firstPosition: this.follower.positionOf(first)!,
      position: this.follower.positionOf(last)!,
    };
  }

  /**
   * When the first id is already in the store: the original result if this is an exact
   * retry (same ids, same stream, adjacent, an expectation that held for the original),
   * else the error the SQLite adapter gives. Undefined when none of the ids exists.
   */
  private async replayedAppend(
    stream: string,
    expected: ExpectedRevision,
    events: PreparedEvent[],
  ): Promise<AppendResult | undefined> {
    const firstPosition = this.follower.positionOf(events[0]!.id);
    if (firstPosition === undefined) {
      for (const event of events) {
        const position = this.follower.positionOf(event.id);
        if (position !== undefined) {
          throw new DuplicateEventIdError(
            event.id,
            (await readEventAt(this.client, this.names, position)).event.stream,
          );
        }
      }
      return undefined;
    }
    const first = (await readEventAt(this.client, this.names, firstPosition)).event;
    if (first.stream !== stream) throw new DuplicateEventIdError(first.id, first.stream);
    const recorded = await readStreamEvents(this.client, this.names.toKurrent(stream), {
      direction: 'forwards',
      fromRevision: first.revision,
      maxCount: events.length,
    });
    events.forEach((event, index) => {
      if (recorded[index]?.id !== event.id) throw new DuplicateEventIdError(event.id, first.stream);
    });
    const before = first.revision === 0 ? undefined : first.revision - 1;
    if (!revisionMatches(expected, before)) {
      throw new WrongExpectedRevisionError(stream, expected, await this.streamRevision(stream));
    }
    const position = this.follower.positionOf(events[events.length - 1]!.id);
    if (position === undefined)
      throw new EventStoreError(`event ${events[events.length - 1]!.id} is not indexed`);
    return { nextExpectedRevision: first.revision + events.length - 1, firstPosition, position };
  }
}
