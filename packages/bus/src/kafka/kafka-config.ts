import type {
  ConsumerConfig,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  EachBatchHandler,
  ProducerConfig,
  ProducerRecord,
} from 'kafkajs';
import { InvalidBusRequestError } from '../errors';
import type { OutgoingMessage, SubscribeOptions } from '../types';
import { toKafkaMessage } from './kafka-headers';

/**
 * How the adapter drives kafkajs, in one place so the guarantees are visible (and tested):
 * what the producer waits for, when offsets move, where a new group starts.
 */

/** `acks: -1`: the leader answers once every in-sync replica has the records. */
export const ACKS_ALL_IN_SYNC_REPLICAS = -1;

/**
 * Retries a publish gets before it fails (kafkajs backs off to 30 s between them, so about
 * three minutes). kafkajs would retry an idempotent producer forever and warns that a bound
 * "may invalidate EoS guarantees": a publish that gives up may later be repeated by the
 * relay, duplicating records — which the consumers' inboxes absorb — while an unbounded one
 * would hang the relay and close() whenever the cluster is away.
 */
export const PUBLISH_RETRIES = 10;

/** The partitioner is set by the caller (kafkajs' DefaultPartitioner: murmur2 of the key, as Java). */
export function producerConfig(): ProducerConfig {
  return {
    // The broker drops a retried batch it already has: no duplicate from a lost ack.
    idempotent: true,
    // kafkajs allows at most 5 in flight with idempotence; 1 keeps each partition in order
    // even across a retry.
    maxInFlightRequests: 1,
    // Topics, with their partitions and replication, are created by infra (or ensureTopics);
    // a typo must fail, not create a one-partition topic.
    allowAutoTopicCreation: false,
    retry: { retries: PUBLISH_RETRIES },
  };
}

/** Key = aggregate id, so one aggregate's events share a partition and keep their order. */
export function publishRecord(topic: string, messages: readonly OutgoingMessage[]): ProducerRecord {
  return { topic, acks: ACKS_ALL_IN_SYNC_REPLICAS, messages: messages.map(toKafkaMessage) };
}

export function consumerConfig(group: string, stopping: () => boolean): ConsumerConfig {
  return {
    groupId: group,
    allowAutoTopicCreation: false,
    // The broker's long poll; stop() waits for one in progress, so keep it short.
    maxWaitTimeInMs: 1_000,
    // kafkajs restarts a crashed consumer after a retriable error, unless we are stopping.
    retry: { restartOnFailure: async () => !stopping() },
  };
}

/**
 * A group with no committed offset (new, or idle past the broker's offset retention)
 * starts at the earliest record still kept: events the relay published before the group
 * first joined are not lost, and re-reading is harmless because consumers deduplicate by
 * event id. A group with committed offsets resumes from them whatever this says.
 */
export function subscription(topic: string): ConsumerSubscribeTopics {
  return { topics: [topic], fromBeginning: true };
}

export function runConfig(
  options: SubscribeOptions,
  eachBatch: EachBatchHandler,
): ConsumerRunConfig {
  return {
    // Offsets are resolved and committed by the batch loop, and only for messages whose
    // handler (or dead-letter publish) has finished.
    autoCommit: false,
    eachBatchAutoResolve: false,
    // A partition is handled one message at a time (its keys' order); partitions run side
    // by side, up to maxKeysInFlight of them.
    partitionsConsumedConcurrently: options.maxKeysInFlight ?? 16,
    eachBatch,
  };
}

const BROKER_PATTERN = /^[A-Za-z0-9._-]+:(\d{1,5})$/;

/** kafkajs splits each broker on ':' (so no IPv6 literals): `host:port`. */
export function assertBrokers(brokers: unknown): asserts brokers is string[] {
  if (!Array.isArray(brokers) || brokers.length === 0) {
    throw new InvalidBusRequestError('brokers', 'must list at least one host:port');
  }
  brokers.forEach((broker: unknown, i) => {
    const port = typeof broker === 'string' ? BROKER_PATTERN.exec(broker)?.[1] : undefined;
    if (port === undefined || Number(port) < 1 || Number(port) > 65_535) {
      throw new InvalidBusRequestError(`brokers[${i}]`, 'must be host:port, port 1–65535');
    }
  });
}
