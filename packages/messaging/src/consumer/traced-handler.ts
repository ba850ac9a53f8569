import type { IncomingMessage, MessageHandler } from '@kopfed/bus';
import { SpanKind, withSpan } from '@kopfed/tracing';

/**
 * Wraps a consumer's handler in a consumer span that continues the trace the message
 * carries in its `traceparent` header, so one trace runs from the HTTP request that caused
 * an event to the handler in another service.
 */
export function tracedHandler(
  group: string,
  handle: (message: IncomingMessage) => Promise<void> | void,
): MessageHandler {
  return (message) =>
    withSpan(
      `consume ${message.topic}`,
      {
        kind: SpanKind.CONSUMER,
        traceparent: message.headers.traceparent,
        attributes: {
          'messaging.destination.name': message.topic,
          'messaging.consumer.group.name': group,
          'messaging.message.id': message.headers['ce-id'] ?? '',
          'kopfed.attempt': message.attempt,
        },
      },
      () => handle(message),
    );
}
