import { InvalidBusRequestError } from './errors';
import type { OutgoingMessage, SubscribeOptions } from './types';

const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;

export function assertTopic(topic: unknown, field = 'topic'): asserts topic is string {
  if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) {
    throw new InvalidBusRequestError(
      field,
      'must be 1–200 characters of letters, digits, ".", "_" or "-"',
    );
  }
}

export function assertMessages(messages: unknown): asserts messages is OutgoingMessage[] {
  if (!Array.isArray(messages)) throw new InvalidBusRequestError('messages', 'must be an array');
  messages.forEach((m: unknown, i) => {
    const message = m as Partial<OutgoingMessage> | null;
    if (typeof message?.key !== 'string' || message.key.length === 0) {
      throw new InvalidBusRequestError(`messages[${i}].key`, 'must be a non-empty string');
    }
    if (typeof message.value !== 'string') {
      throw new InvalidBusRequestError(`messages[${i}].value`, 'must be a string');
    }
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (typeof value !== 'string') {
        throw new InvalidBusRequestError(`messages[${i}].headers.${name}`, 'must be a string');
      }
    }
  });
}

export function assertSubscribeOptions(options: SubscribeOptions): void {
  assertTopic(options.topic);
  assertTopic(options.group, 'group');
  if (typeof options.handler !== 'function')
    throw new InvalidBusRequestError('handler', 'must be a function');
  const keys = options.maxKeysInFlight ?? 16;
  if (!Number.isInteger(keys) || keys < 1 || keys > 1_000) {
    throw new InvalidBusRequestError('maxKeysInFlight', 'must be an integer from 1 to 1000');
  }
}
