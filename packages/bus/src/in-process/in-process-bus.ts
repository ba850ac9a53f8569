import { BusStoppedError, InvalidBusRequestError } from '../errors';
import {
  deadLetterHeaders,
  deliverWithRetries,
  retryPolicy,
  type DeliveryOutcome,
  type RetryPolicy,
} from '../retry';
import {
  deadLetterTopic,
  type Bus,
  type BusSubscription,
  type IncomingMessage,
  type OutgoingMessage,
  type SubscribeOptions,
} from '../types';
import { assertMessages, assertSubscribeOptions, assertTopic } from '../validation';

export interface DeadLetter {
  topic: string;
  message: OutgoingMessage;
}

export interface InProcessBusOptions {
  /** Where dead letters go besides `<topic>.dlq` subscribers, e.g. a table an operator reads. */
  onDeadLetter?: (deadLetter: DeadLetter) => Promise<void> | void;
  /** Dead letters kept in memory for inspection (oldest dropped first). Default 10,000. */
  keepDeadLetters?: number;
  /**
   * And at most this many characters of their values (oldest dropped first; the newest is
   * always kept). Default 64 Mi: a settlement group event of 1,000 legs is about 250 KB, so
   * the count alone would let them take gigabytes.
   */
  keepDeadLetterChars?: number;
}

/**
 * The embedded bus: every service in one process. Nothing is stored here — the publishing
 * store is the durable log. `publish` resolves only when every subscribed group has handled
 * (or dead-lettered) the messages, so a relay that advances its checkpoint after publish
 * never skips an unhandled message; after a crash the relay republishes from its checkpoint
 * and the consumers' inboxes drop what they already applied.
 */
export class InProcessBus implements Bus {
  private readonly topics = new Map<string, Map<string, GroupWorker>>();
  private readonly kept: DeadLetter[] = [];
  /** The length of the kept dead letters' values, together. */
  private keptChars = 0;
  private closed = false;

  constructor(private readonly options: InProcessBusOptions = {}) {}

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new BusStoppedError();
    assertTopic(topic);
    assertMessages(messages);
    const workers = [...(this.topics.get(topic)?.values() ?? [])];
    await Promise.all(workers.map((worker) => worker.enqueue(messages)));
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closed) throw new BusStoppedError();
    assertSubscribeOptions(options);
    const groups = this.topics.get(options.topic) ?? new Map<string, GroupWorker>();
    if (groups.has(options.group)) {
      throw new InvalidBusRequestError(
        'group',
        `${options.group} already consumes ${options.topic} in this process`,
      );
    }
    const worker = new GroupWorker(options, retryPolicy(options), (message, error, attempts) =>
      this.deadLetter(options, message, error, attempts),
    );
    groups.set(options.group, worker);
    this.topics.set(options.topic, groups);
    return {
      stop: async () => {
        groups.delete(options.group);
        await worker.stop();
      },
    };
  }

  /**
   * Hands one message to one subscribed group again (an operator replaying a dead letter): in
   * turn with that key's other messages for the group, with the group's retries. Resolves with
   * the outcome; a message that fails again is not dead-lettered a second time, the caller
   * keeps it.
   */
  async redeliver(
    topic: string,
    group: string,
    message: OutgoingMessage,
  ): Promise<DeliveryOutcome> {
    if (this.closed) throw new BusStoppedError();
    assertTopic(topic);
    assertMessages([message]);
    const worker = this.topics.get(topic)?.get(group);
    if (!worker)
      throw new InvalidBusRequestError(
        'group',
        `${group} does not consume ${topic} in this process`,
      );
    return worker.redeliver(message);
  }

  /** Dead letters seen by this process, oldest first (bounded). */
  deadLetters(): readonly DeadLetter[] {
    return this.kept;
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.topics.values()].flatMap((groups) => [...groups.values()]);
    this.topics.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
  }

  private keep(deadLetter: DeadLetter): void {
    this.kept.push(deadLetter);
    this.keptChars += deadLetter.message.value.length;
    const count = this.options.keepDeadLetters ?? 10_000;
    const chars = this.options.keepDeadLetterChars ?? 64 * 1024 * 1024;
    while (this.kept.length > count || (this.kept.length > 1 && this.keptChars > chars))
      this.keptChars -= this.kept.shift()!.message.value.length;
  }

  private async deadLetter(
    options: SubscribeOptions,
    message: IncomingMessage | Omit<IncomingMessage, 'attempt'>,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const topic = deadLetterTopic(options.topic);
    const deadLetter: DeadLetter = {
      topic,
      message: {
        key: message.key,
        value: message.value,
        headers: deadLetterHeaders(message.headers, options.topic, options.group, error, attempts),
      },
    };
    this.keep(deadLetter);
    await this.options.onDeadLetter?.(deadLetter);
    if (!this.closed) await this.publish(topic, [deadLetter.message]);
  }
}

/** One publish call: settles when every one of its messages is handled (or one fails). */
interface PublishTracker {
  remaining: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Pending {
  message: Omit<IncomingMessage, 'attempt'>;
  tracker: PublishTracker;
  /** A redelivery takes the outcome itself instead of dead-lettering a failure. */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

function complete(pending: Pending, error?: unknown): void {
  const tracker = pending.tracker;
  if (tracker.settled) return;
  if (error !== undefined) {
    tracker.settled = true;
    tracker.reject(error);
  } else if (--tracker.remaining === 0) {
    tracker.settled = true;
    tracker.resolve();
  }
}

/** One consumer group on one topic: a queue per key, a bounded number of keys at a time. */
class GroupWorker {
  private readonly queues = new Map<string, Pending[]>();
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly options: SubscribeOptions,
    private readonly policy: RetryPolicy,
    private readonly deadLetter: (
      message: Omit<IncomingMessage, 'attempt'>,
      error: unknown,
      attempts: number,
    ) => Promise<void>,
  ) {}

  redeliver(message: OutgoingMessage): Promise<DeliveryOutcome> {
    let outcome: DeliveryOutcome | undefined;
    return this.enqueue([message], (o) => (outcome = o)).then(() => outcome!);
  }

  enqueue(
    messages: readonly OutgoingMessage[],
    onOutcome?: (outcome: DeliveryOutcome) => void,
  ): Promise<void> {
    if (this.stopping) return Promise.reject(new BusStoppedError('subscription'));
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const tracker: PublishTracker = {
        remaining: messages.length,
        settled: false,
        resolve,
        reject,
      };
      for (const m of messages) {
        const pending: Pending = {
          message: {
            topic: this.options.topic,
            key: m.key,
            value: m.value,
            headers: { ...m.headers },
          },
          tracker,
          ...(onOutcome ? { onOutcome } : {}),
        };
        const queue = this.queues.get(m.key);
        if (queue) queue.push(pending);
        else {
          this.queues.set(m.key, [pending]);
          this.waiting.push(m.key);
        }
      }
      this.startKeys();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.values());
    for (const queue of this.queues.values()) {
      for (const pending of queue) complete(pending, new BusStoppedError('subscription'));
    }
    this.queues.clear();
    this.waiting.length = 0;
  }

  private startKeys(): void {
    const limit = this.options.maxKeysInFlight ?? 16;
    while (!this.stopping && this.running.size < limit && this.waiting.length > 0) {
      const key = this.waiting.shift()!;
      const run = this.drainKey(key).finally(() => {
        this.running.delete(key);
        this.startKeys();
      });
      this.running.set(key, run);
    }
  }

  /** Handles one key's messages strictly in order until its queue is empty. */
  private async drainKey(key: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(key);
      const pending = queue?.[0];
      if (!queue || !pending) {
        this.queues.delete(key);
        return;
      }
      if (this.stopping) return;
      const outcome = await deliverWithRetries(
        this.options.handler,
        pending.message,
        this.policy,
        () => this.stopping,
      );
      if (outcome === 'stopped') return;
      try {
        if (pending.onOutcome) pending.onOutcome(outcome);
        else if (!outcome.handled)
          await this.deadLetter(pending.message, outcome.error, outcome.attempts);
        queue.shift();
        complete(pending);
      } catch (error) {
        queue.shift();
        complete(pending, error);
      }
    }
  }
}
