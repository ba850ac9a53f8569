import {
  UnprocessableMessageError,
  type IncomingMessage,
  type MessageHandler,
  type OutgoingMessage,
} from '@kopfed/bus';
import {
  ContractError,
  parseEventType,
  type EventCatalog,
  type EventDefinition,
  type ReceivedEvent,
} from '@kopfed/contracts';
import type { RecordedEvent } from '@kopfed/eventstore';

/** A stored event made public: its contract name, the aggregate it is about, its public data. */
export interface PublicEvent<Name extends string = string> {
  name: Name;
  subject: string;
  data: unknown;
}

/**
 * The relay's encoder for a service: maps each stored event to its contract (or keeps it
 * private) and wraps it in the CloudEvents envelope, validated against the latest version.
 * The envelope is the message value; id, type and traceparent are repeated as headers so
 * operators and tracing can read them without parsing.
 */
export function publicEventEncoder<const Defs extends readonly EventDefinition[]>(
  catalog: EventCatalog<Defs>,
  toPublic: (event: RecordedEvent) => PublicEvent<Defs[number]['name']> | undefined,
): (event: RecordedEvent, traceparent: string | undefined) => OutgoingMessage | undefined {
  return (event, traceparent) => {
    const published = toPublic(event);
    if (!published) return undefined;
    const { metadata } = event;
    // Absent fields are undefined rather than spread in: one object shape for every event.
    const envelope = catalog.toEnvelope(published.name as never, {
      id: event.id,
      subject: published.subject,
      time: event.recordedAt,
      businessDate: event.businessDate,
      data: published.data as never,
      correlationId: metadata.correlationId || undefined,
      causationId: metadata.causationId || undefined,
      traceparent: traceparent || undefined,
      coopId: metadata.coopId || undefined,
    });
    const headers: Record<string, string> = { 'ce-id': envelope.id, 'ce-type': envelope.type };
    if (traceparent) headers.traceparent = traceparent;
    return { key: published.subject, value: JSON.stringify(envelope), headers };
  };
}

/**
 * A consumer's handler for integration events: parses the envelope, checks it against the
 * catalog and upcasts its data to the latest version before `handle` sees it. A message that
 * is not valid JSON or breaks its contract can never succeed, so it is dead-lettered at once.
 *
 * `only` names the events `handle` acts on: a message whose `ce-type` header names another is
 * acknowledged unread. Most groups act on a few of their topic's events, and on the in-process
 * bus every group parsed and checked every message of its topic (about half of the node's
 * deliveries under its benchmark's mix, each a JSON.parse and a zod parse of the envelope, only
 * to be ignored). The header repeats the envelope's type (publicEventEncoder); a message
 * without a readable one is read as before.
 */
export function integrationEventHandler<const Defs extends readonly EventDefinition[]>(
  catalog: EventCatalog<Defs>,
  handle: (event: ReceivedEvent<Defs[number]>, message: IncomingMessage) => Promise<void> | void,
  options: { only?: readonly Defs[number]['name'][] } = {},
): MessageHandler {
  const wanted = options.only && new Set<string>(options.only);
  return (message) => {
    if (wanted) {
      const type = message.headers['ce-type'];
      const name = type === undefined ? undefined : parseEventType(type)?.name;
      if (name !== undefined && !wanted.has(name)) return;
    }
    let received: ReceivedEvent<Defs[number]>;
    try {
      received = catalog.fromEnvelope(JSON.parse(message.value));
    } catch (error) {
      if (error instanceof SyntaxError || error instanceof ContractError) {
        throw new UnprocessableMessageError(`unreadable integration event: ${error.message}`);
      }
      throw error;
    }
    return handle(received, message);
  };
}
