import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { IncomingMessage, MessageHeaders, OutgoingMessage } from '../types';

/**
 * What crosses the wire. Keys, values and header values are UTF-8 text on our topics;
 * kafkajs hands them back as Buffers (or, for a header sent several times, an array).
 */

export function toKafkaMessage(message: OutgoingMessage): Message {
  return { key: message.key, value: message.value, headers: { ...message.headers } };
}

/**
 * A header repeated on one record keeps its last value, as the Java client's
 * `Headers.lastHeader` does; a header without a value is left out.
 */
export function fromKafkaHeaders(headers: IHeaders | undefined): MessageHeaders {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    // kafkajs types say Buffer | string, but a record can carry a null header value.
    if (last === undefined || last === null) continue;
    entries.push([name, typeof last === 'string' ? last : last.toString('utf8')]);
  }
  // fromEntries defines own properties, so even a header named __proto__ comes through.
  return Object.fromEntries(entries);
}

/**
 * A record without a key or value (not one of ours: the bus refuses empty keys) is passed
 * on with empty text, so the handler fails it and it is dead-lettered, not silently dropped.
 */
export function fromKafkaMessage(
  topic: string,
  message: KafkaMessage,
): Omit<IncomingMessage, 'attempt'> {
  return {
    topic,
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    headers: fromKafkaHeaders(message.headers),
  };
}
