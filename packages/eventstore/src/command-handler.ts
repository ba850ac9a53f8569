import { v7 as uuidv7 } from 'uuid';
import type { Decider, DomainEvent } from '@kopfed/domain';
import { WrongExpectedRevisionError } from './errors';
import type { EventMetadata, EventStore, RecordedEvent } from './types';

export interface HandleCommandOptions<State, Command, Event extends DomainEvent> {
  stream: string;
  decider: Decider<State, Command, Event>;
  command: Command;
  /**
   * The revision the caller saw (HTTP If-Match). Given, a conflict is reported rather than
   * retried: the caller decided on state that has since changed.
   */
  expectedRevision?: number | 'no_stream';
  /** Conflicts are retried from a fresh read at most this many times in all. */
  maxAttempts?: number;
  metadata?: EventMetadata;
  /** Business date of the new events (Asia/Jakarta); the store derives it when absent. */
  businessDate?: string;
  /** Turns a stored event (of any schema version) into the current domain event. */
  upcast?: (event: RecordedEvent) => Event;
  schemaVersionOf?: (type: Event['type']) => number;
  /**
   * Ids for the new events. Deterministic ids (derived from a message id) make a redelivered
   * command an idempotent re-append; time-ordered UUIDv7 otherwise (they keep the id index
   * append-only, which is markedly faster than random ids).
   */
  eventId?: (index: number, event: Event) => string;
}

export interface CommandResult<State, Event> {
  state: State;
  /** Events this call appended; empty when the decider had nothing to say. */
  events: Event[];
  /** Stream revision after the command, undefined when the stream is still empty. */
  revision: number | undefined;
  /** Global position of the last appended event, when any was appended. */
  position?: number;
}

const DEFAULT_MAX_ATTEMPTS = 5;

export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  options: HandleCommandOptions<State, Command, Event>,
): Promise<CommandResult<State, Event>> {
  const maxAttempts =
    options.expectedRevision === undefined ? (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) : 1;
  const upcast =
    options.upcast ?? ((e: RecordedEvent) => ({ type: e.type, data: e.data }) as Event);
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadAggregate(store, options.stream, options.decider, upcast);
    if (options.expectedRevision !== undefined) {
      const seen = options.expectedRevision === 'no_stream' ? undefined : options.expectedRevision;
      if (seen !== revision)
        throw new WrongExpectedRevisionError(options.stream, options.expectedRevision, revision);
    }
    const events = options.decider.decide(options.command, state);
    if (events.length === 0) return { state, events, revision };
    try {
      const result = await store.append(
        options.stream,
        events.map((event, index) => ({
          id: options.eventId?.(index, event) ?? uuidv7(),
          type: event.type,
          schemaVersion: options.schemaVersionOf?.(event.type) ?? 1,
          data: event.data,
          ...(options.metadata ? { metadata: options.metadata } : {}),
          ...(options.businessDate ? { businessDate: options.businessDate } : {}),
        })),
        { expectedRevision: revision === undefined ? 'no_stream' : revision },
      );
      return {
        state: events.reduce(options.decider.evolve, state),
        events,
        revision: result.nextExpectedRevision,
        position: result.position,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
    }
  }
}

export async function loadAggregate<State, Event extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  upcast: (event: RecordedEvent) => Event,
): Promise<{ state: State; revision: number | undefined }> {
  const recorded = await store.readStream(stream);
  let state = decider.initialState();
  for (const event of recorded) state = decider.evolve(state, upcast(event));
  return {
    state,
    revision: recorded.length === 0 ? undefined : recorded[recorded.length - 1]!.revision,
  };
}
