import { LRUCache } from 'lru-cache';
import { v7 as uuidv7 } from 'uuid';
import { conflict, type DomainEvent } from '@kopfed/domain';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from '@kopfed/eventstore';
import { KeyedLock } from './keyed-lock';

export interface Loaded<State> {
  state: State;
  /** undefined while the stream has no events. */
  revision: number | undefined;
}

export interface AggregateType<State, Event extends DomainEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  /** A stored snapshot (a projection's copy of the state at a revision), if any. */
  snapshot?: (stream: string) => Loaded<State> | undefined;
  /** Business date of each new event (Asia/Jakarta); the store's clock when undefined. */
  businessDateOf?: (event: Event) => string | undefined;
  /** Facts of the aggregate every new event carries in its metadata (its owner, its product). */
  metadataOf?: (state: State) => EventMetadata | undefined;
}

export interface ExecuteOptions<Event, State = unknown> {
  metadata?: EventMetadata;
  /**
   * The revision the caller saw (If-Match), `no_stream` for a stream it saw empty: a mismatch
   * is reported, not retried.
   */
  expectedRevision?: number | 'no_stream';
  /** Deterministic ids make a command idempotent for ever: the store refuses an id twice. */
  eventIds?: (event: Event, index: number) => string;
  /**
   * A state the caller already holds (close of business reads thousands from the read model):
   * tried first without reading the stream; a stale one fails the append and is read afresh.
   */
  hint?: Loaded<State> & { revision: number };
}

export interface Executed<State, Event> extends Loaded<State> {
  events: Event[];
  position?: number;
  /** A rerun of a command applied before: the events it appended then (nothing new now). */
  replayed?: Event[];
}

/** Raised when deterministic event ids show the command was already applied. */
export class AlreadyApplied extends Error {
  override readonly name = 'AlreadyApplied';
}

const MAX_ATTEMPTS = 8;

/**
 * Loads aggregates from a snapshot (or the last state this process wrote) plus the events after
 * it, decides, and appends with the expected revision. Commands on one stream are queued in this
 * process; a conflict with another process is retried from a fresh read, never overwritten.
 *
 * A command first decides on the state this process last saw, without reading the stream: the
 * append's expected revision proves it current, and a stale one (another process wrote) fails
 * the append and is read afresh. A refusal, a no-op or an If-Match mismatch is only reported
 * once a fresh read confirms it.
 */
export class AggregateStore<State, Event extends DomainEvent> {
  private readonly lock = new KeyedLock();
  /**
   * The last state this process saw per stream, least recently used dropped first. (A Map
   * trimmed from its front costs tens of µs per eviction once it holds tens of thousands:
   * V8 skips every deleted slot at the front on each `keys().next()`.)
   */
  private readonly cache: LRUCache<string, Loaded<State> & { revision: number }>;

  constructor(
    private readonly store: EventStore,
    private readonly type: AggregateType<State, Event>,
    maxCached = 50_000,
  ) {
    this.cache = new LRUCache({ max: maxCached });
  }

  /** The current state: never older than what this process last wrote or the store holds now. */
  async load(stream: string): Promise<Loaded<State>> {
    const base = this.cache.get(stream) ?? this.type.snapshot?.(stream);
    const from = base?.revision === undefined ? 0 : base.revision + 1;
    const tail = await this.store.readStream(stream, { fromRevision: from });
    let state = base?.state ?? this.type.initialState();
    for (const event of tail) state = this.type.evolve(state, toDomain<Event>(event));
    const revision = tail.at(-1)?.revision ?? base?.revision;
    if (revision !== undefined) this.cache.set(stream, { state, revision });
    return { state, revision };
  }

  /** What this process last saw of the stream, without asking the store (a hint, not the truth). */
  peek(stream: string): Loaded<State> | undefined {
    return this.cache.peek(stream);
  }

  execute(
    stream: string,
    decide: (state: State) => Event[],
    options: ExecuteOptions<Event, State> = {},
  ): Promise<Executed<State, Event>> {
    return this.lock.run(stream, () => this.attempt(stream, decide, options));
  }

  private async attempt(
    stream: string,
    decide: (state: State) => Event[],
    options: ExecuteOptions<Event, State>,
  ): Promise<Executed<State, Event>> {
    for (let attempt = 1; ; attempt++) {
      const remembered = attempt === 1 ? this.remembered(stream, options.hint) : undefined;
      const { state, revision } = remembered?.loaded ?? (await this.load(stream));
      const unconfirmed = remembered !== undefined && !remembered.trusted;
      const expected = options.expectedRevision;
      if (expected !== undefined && expected !== (revision ?? 'no_stream')) {
        if (unconfirmed) continue;
        throw new WrongExpectedRevisionError(stream, expected, revision);
      }
      const events = unconfirmed ? decideOrUndefined(decide, state) : decide(state);
      if (events === undefined) continue;
      if (events.length === 0) return { state, revision, events };
      try {
        const next = events.reduce(this.type.evolve, state);
        const metadata = { ...options.metadata, ...this.type.metadataOf?.(next) };
        const result = await this.store.append(
          stream,
          events.map((e, i) => this.toNew(e, i, metadata, options)),
          {
            expectedRevision: revision === undefined ? 'no_stream' : revision,
          },
        );
        this.cache.set(stream, { state: next, revision: result.nextExpectedRevision });
        return {
          state: next,
          revision: result.nextExpectedRevision,
          events,
          position: result.position,
        };
      } catch (error) {
        this.cache.delete(stream);
        if (error instanceof DuplicateEventIdError) throw new AlreadyApplied(error.message);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // An id that exists at an older revision fails the expectation without the stream moving.
        if (options.eventIds && (await this.store.streamRevision(stream)) === revision) {
          throw new AlreadyApplied(`${stream}: these events were appended before`);
        }
        if (options.expectedRevision !== undefined) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw conflict(
            'concurrency-conflict',
            'The account changed too often while this request ran; try again.',
          );
        }
      }
    }
  }

  /**
   * The state to decide on before reading the stream: the caller's hint (trusted as it says) or
   * what this process last saw of the stream, whichever is newer.
   */
  private remembered(
    stream: string,
    hint: (Loaded<State> & { revision: number }) | undefined,
  ): { loaded: Loaded<State>; trusted: boolean } | undefined {
    const cached = this.cache.get(stream);
    if (hint && !(cached && cached.revision >= hint.revision))
      return { loaded: hint, trusted: true };
    return cached && { loaded: cached, trusted: false };
  }

  private toNew(
    event: Event,
    index: number,
    metadata: EventMetadata,
    options: ExecuteOptions<Event, State>,
  ) {
    const businessDate = this.type.businessDateOf?.(event);
    return {
      id: options.eventIds?.(event, index) ?? uuidv7(),
      type: event.type,
      schemaVersion: 1,
      data: event.data,
      metadata,
      ...(businessDate ? { businessDate } : {}),
    };
  }
}

/**
 * Decides on a state the stream has not confirmed yet: a refusal or a no-op comes back
 * undefined, to be decided again on a fresh read.
 */
function decideOrUndefined<State, Event>(
  decide: (state: State) => Event[],
  state: State,
): Event[] | undefined {
  try {
    const events = decide(state);
    return events.length === 0 ? undefined : events;
  } catch {
    return undefined;
  }
}

export function toDomain<Event extends DomainEvent>(event: RecordedEvent): Event {
  return { type: event.type, data: event.data } as Event;
}
