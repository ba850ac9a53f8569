import type { Consumer, Kafka } from 'kafkajs';
import { BusStoppedError } from '../errors';
import type { RetryPolicy } from '../retry';
import type { BusSubscription, SubscribeOptions } from '../types';
import { consumeBatch, type DeadLetterSink } from './kafka-batch';
import { consumerConfig, runConfig, subscription } from './kafka-config';
import { DEFAULT_COMMIT_CADENCE } from './kafka-offsets';

const HEARTBEAT_EVERY_MS = 1_000;

/** One consumer group on one topic: one kafkajs consumer. */
export class KafkaSubscription implements BusSubscription {
  private readonly consumer: Consumer;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private join: GroupJoin | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: SubscribeOptions,
    private readonly policy: RetryPolicy,
    private readonly deadLetter: DeadLetterSink,
  ) {
    this.consumer = kafka.consumer(consumerConfig(options.group, () => this.stopping));
  }

  /**
   * Resolves once the consumer has joined its group and been given its partitions, so a
   * caller that stops right away stops a consumer that is really there.
   */
  async start(joinTimeoutMs: number): Promise<void> {
    const join = (this.join = waitForGroupJoin(this.consumer, this.options.group, joinTimeoutMs));
    try {
      await this.consumer.connect();
      this.assertNotStopping();
      await this.consumer.subscribe(subscription(this.options.topic));
      this.assertNotStopping();
      await this.consumer.run(
        runConfig(this.options, (payload) =>
          consumeBatch(payload, {
            handler: this.options.handler,
            policy: this.policy,
            deadLetter: this.deadLetter,
            stopping: () => this.stopping,
            cadence: DEFAULT_COMMIT_CADENCE,
            heartbeatEveryMs: HEARTBEAT_EVERY_MS,
          }),
        ),
      );
      await join.joined;
      this.assertNotStopping();
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  /**
   * kafkajs' disconnect stops the fetchers, waits for the batches in hand (each returns
   * after its message in flight, having committed it), leaves the group and closes.
   */
  stop(): Promise<void> {
    this.stopping = true;
    this.join?.abort(new BusStoppedError('subscription'));
    this.stopped ??= this.consumer.disconnect();
    return this.stopped;
  }

  private assertNotStopping(): void {
    if (this.stopping) throw new BusStoppedError('subscription');
  }
}

interface GroupJoin {
  joined: Promise<void>;
  abort(error: Error): void;
}

/**
 * Resolves on the consumer's first GROUP_JOIN (emitted after SyncGroup, with the
 * assignment); rejects on a crash kafkajs will not restart from, after `timeoutMs`, or
 * when aborted.
 */
function waitForGroupJoin(consumer: Consumer, group: string, timeoutMs: number): GroupJoin {
  const removers: (() => void)[] = [];
  const cancel = () => removers.splice(0).forEach((remove) => remove());
  let abort: (error: Error) => void = () => undefined;
  const joined = new Promise<void>((resolve, reject) => {
    abort = reject;
    const timer = setTimeout(
      () => reject(new Error(`consumer group ${group} not joined within ${timeoutMs} ms`)),
      timeoutMs,
    );
    removers.push(() => clearTimeout(timer));
    removers.push(consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    removers.push(
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) reject(event.payload.error);
      }),
    );
  }).finally(cancel);
  // Awaited only after connect and run; a rejection before then must not go unhandled.
  joined.catch(() => undefined);
  return { joined, abort: (error) => abort(error) };
}
