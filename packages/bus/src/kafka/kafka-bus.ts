import {
  Kafka,
  logLevel,
  Partitioners,
  type KafkaConfig,
  type Producer,
  type ProducerRecord,
} from 'kafkajs';
import { BusStoppedError, InvalidBusRequestError } from '../errors';
import { deadLetterHeaders, retryPolicy } from '../retry';
import {
  deadLetterTopic,
  type Bus,
  type BusSubscription,
  type IncomingMessage,
  type OutgoingMessage,
  type SubscribeOptions,
} from '../types';
import { assertMessages, assertSubscribeOptions, assertTopic } from '../validation';
import { assertBrokers, producerConfig, publishRecord } from './kafka-config';
import { KafkaSubscription } from './kafka-consumer';

export interface KafkaBusOptions {
  /** `host:port` of one or more brokers to bootstrap from. */
  brokers: string[];
  /** Names this process to the brokers (logs, quotas). */
  clientId: string;
  /** TLS, SASL, logging and timeouts, passed to kafkajs as they are. Log level WARN unless set. */
  kafka?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
  /** How long subscribe waits for the consumer to join its group. Default 60 s. */
  joinTimeoutMs?: number;
}

/**
 * The distributed bus: a Kafka cluster through kafkajs.
 *
 * publish resolves once every in-sync replica has the records (acks -1), through one
 * idempotent producer. Each subscription is a kafkajs consumer in the subscription's group;
 * it handles each partition in order and commits an offset only after the message's
 * handler succeeded or it was dead-lettered (see consumeBatch). Delivery is at-least-once:
 * after a crash or a rebalance a message may come again, and consumers deduplicate by
 * event id. With Kafka the unit of order and of concurrency is the partition: keys share
 * partitions, so maxKeysInFlight bounds the partitions handled at once.
 *
 * The topics and their `<topic>.dlq` must exist (infra creates them; see ensureTopics).
 */
export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly joinTimeoutMs: number;
  private readonly subscriptions = new Map<string, KafkaSubscription>();
  private connected: Promise<void> | undefined;
  private sending: Promise<void> = Promise.resolve();
  private closed: Promise<void> | undefined;

  /** Connects lazily: nothing goes over the network before the first publish or subscribe. */
  constructor(options: KafkaBusOptions) {
    assertBrokers(options.brokers);
    this.kafka = new Kafka({
      logLevel: logLevel.WARN,
      ...options.kafka,
      brokers: [...options.brokers],
      clientId: options.clientId,
    });
    this.producer = this.kafka.producer({
      ...producerConfig(),
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new BusStoppedError();
    assertTopic(topic);
    assertMessages(messages);
    if (messages.length === 0) return;
    await this.send(publishRecord(topic, messages));
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closed) throw new BusStoppedError();
    assertSubscribeOptions(options);
    const policy = retryPolicy(options);
    // Names cannot hold a space, so this cannot collide.
    const id = `${options.topic} ${options.group}`;
    if (this.subscriptions.has(id)) {
      throw new InvalidBusRequestError(
        'group',
        `${options.group} already consumes ${options.topic} in this process`,
      );
    }
    const subscription = new KafkaSubscription(this.kafka, options, policy, (m, error, attempts) =>
      this.deadLetter(options, m, error, attempts),
    );
    this.subscriptions.set(id, subscription);
    try {
      await subscription.start(this.joinTimeoutMs);
    } catch (error) {
      this.subscriptions.delete(id);
      throw error;
    }
    return {
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(id);
      },
    };
  }

  /** Stops every subscription (each after its message in flight), then drains publishes. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
      this.subscriptions.clear();
      await this.sending;
      if (this.connected) await this.producer.disconnect();
    })();
    return this.closed;
  }

  /** Dead letters keep the original key (same partition, same order) and headers. */
  private deadLetter(
    options: SubscribeOptions,
    message: Omit<IncomingMessage, 'attempt'>,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const headers = deadLetterHeaders(
      message.headers,
      options.topic,
      options.group,
      error,
      attempts,
    );
    const record = publishRecord(deadLetterTopic(options.topic), [
      { key: message.key, value: message.value, headers },
    ]);
    return this.send(record);
  }

  /**
   * One send at a time: kafkajs' idempotent producer numbers records per partition when
   * it sends them, and concurrent sends that fail and retry have broken that numbering
   * (OUT_OF_ORDER_SEQUENCE_NUMBER, kafkajs #598). Publishes come from one relay and the
   * rare dead letter, so the queue costs little.
   */
  private send(record: ProducerRecord): Promise<void> {
    const sent = this.sending.then(async () => {
      await this.connect();
      await this.producer.send(record);
    });
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }
}
