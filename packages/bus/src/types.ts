/**
 * The message bus port. Services publish integration events and subscribe to each other's;
 * the in-process adapter (embedded default) and the Kafka adapter (distributed) implement it,
 * and both pass the one conformance suite in ./conformance.
 */

export type MessageHeaders = Record<string, string>;

export interface OutgoingMessage {
  /** Messages with the same key are delivered in the order published (the aggregate id). */
  key: string;
  /** The serialised CloudEvents envelope (JSON text). */
  value: string;
  headers?: MessageHeaders;
}

export interface IncomingMessage {
  topic: string;
  key: string;
  value: string;
  headers: MessageHeaders;
  /** 1 on first delivery, counting up on each retry. */
  attempt: number;
}

export type MessageHandler = (message: IncomingMessage) => Promise<void> | void;

export interface SubscribeOptions {
  topic: string;
  /** Consumer group: every group receives every message; members of one group share them. */
  group: string;
  handler: MessageHandler;
  /** Attempts after the first before the message goes to `<topic>.dlq`. Default 3. */
  maxRetries?: number;
  /** First retry delay; doubles per retry up to maxRetryDelayMs. Default 50 ms. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Different keys handled at once (order is kept per key). Default 16. */
  maxKeysInFlight?: number;
}

export interface BusSubscription {
  /** Stops taking new messages and resolves once the messages in flight are done. */
  stop(): Promise<void>;
}

export interface Bus {
  /**
   * Resolves once the messages are durable (Kafka: acknowledged by all in-sync replicas;
   * in-process: handled, or dead-lettered, by every subscribed group). Only then may a
   * relay advance its checkpoint.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<BusSubscription>;
  /** Drains every subscription and releases connections. */
  close(): Promise<void>;
}

/** Headers a dead-lettered message carries, besides its original ones. */
export const DEAD_LETTER_HEADERS = {
  error: 'kopfed-dlq-error',
  originalTopic: 'kopfed-dlq-original-topic',
  group: 'kopfed-dlq-group',
  attempts: 'kopfed-dlq-attempts',
} as const;

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
