import { v7 as uuidv7 } from 'uuid';
import { deterministicUuid } from './deterministic-id';
import type { Decider, DomainEvent } from '@kopfed/domain';
import { traceparentOf, withSpan } from '@kopfed/tracing';
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
   * Makes the command idempotent: its events get ids derived from this key, and a command
   * whose first event is already in the stream is not decided again (a redelivered message,
   * a retried request). Use the message id of the integration event being handled.
   */
  idempotencyKey?: string;
  /**
   * Ids for the new events. Deterministic ids (derived from a message id) make a redelivered
   * command an idempotent re-append; time-ordered UUIDv7 otherwise (they keep the id index
   * append-only, which is markedly faster than random ids).
   */
  eventId?: (index: number, event: Event) => string;
}

/** Scoped by stream, so two coops (or aggregates) using the same key never collide. */
export function idempotentEventId(stream: string, idempotencyKey: string, index: number): string {
  return deterministicUuid('command', stream, idempotencyKey, String(index));
}

export interface CommandResult<State, Event> {
  state: State;
  /** Events this call appended; empty when the decider had nothing to say. */
  events: Event[];
  /** Stream revision after the command, undefined when the stream is still empty. */
  revision: number | undefined;
  /** Global position of the last appended event, when any was appended. */
  position?: number;
  /** True when the idempotency key showed the command had already been applied. */
  alreadyApplied?: boolean;
}

const DEFAULT_MAX_ATTEMPTS = 5;

export function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  options: HandleCommandOptions<State, Command, Event>,
): Promise<CommandResult<State, Event>> {
  return withSpan(`command ${options.stream.split('-')[0] ?? options.stream}`, {}, () =>
    decideAndAppend(store, options),
  );
}

async function decideAndAppend<State, Command, Event extends DomainEvent>(
  store: EventStore,
  options: HandleCommandOptions<State, Command, Event>,
): Promise<CommandResult<State, Event>> {
  // The active trace (the HTTP request, the consumed message) travels with the events.
  const traceparent = options.metadata?.traceparent ?? traceparentOf();
  const metadata = traceparent ? { ...options.metadata, traceparent } : options.metadata;
  const maxAttempts =
    options.expectedRevision === undefined ? (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) : 1;
  const upcast =
    options.upcast ?? ((e: RecordedEvent) => ({ type: e.type, data: e.data }) as Event);
  for (let attempt = 1; ; attempt++) {
    const { state, revision, eventIds } = await loadAggregate(
      store,
      options.stream,
      options.decider,
      upcast,
    );
    if (
      options.idempotencyKey !== undefined &&
      eventIds.has(idempotentEventId(options.stream, options.idempotencyKey, 0))
    ) {
      return { state, events: [], revision, alreadyApplied: true };
    }
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
          id:
            options.idempotencyKey !== undefined
              ? idempotentEventId(options.stream, options.idempotencyKey, index)
              : (options.eventId?.(index, event) ?? uuidv7()),
          type: event.type,
          schemaVersion: options.schemaVersionOf?.(event.type) ?? 1,
          data: event.data,
          ...(metadata ? { metadata } : {}),
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
): Promise<{ state: State; revision: number | undefined; eventIds: Set<string> }> {
  const recorded = await store.readStream(stream);
  let state = decider.initialState();
  const eventIds = new Set<string>();
  for (const event of recorded) {
    state = decider.evolve(state, upcast(event));
    eventIds.add(event.id);
  }
  const revision = recorded.length === 0 ? undefined : recorded[recorded.length - 1]!.revision;
  return { state, revision, eventIds };
}
