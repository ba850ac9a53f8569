import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Bus, OutgoingMessage } from '@kopfed/bus';
import type { EventStore, RecordedEvent, Subscription } from '@kopfed/eventstore';
import { SpanKind, startSpan, type OpenSpan } from '@kopfed/tracing';

export interface RelayOptions {
  /** Names the relay's checkpoint and lease in the store, e.g. `relay:kopfed.member.events`. */
  name: string;
  store: EventStore;
  bus: Bus;
  topic: string;
  /** Maps a stored event to its public message; undefined keeps the event private. */
  encode: (event: RecordedEvent, traceparent: string | undefined) => OutgoingMessage | undefined;
  /** Events read and published per round. Default 500. */
  batchSize?: number;
  /** The lease is renewed every third of this. Default 15 s. */
  leaseTtlMs?: number;
  /** Pause after a failure before starting over from the checkpoint. Default 1 s. */
  retryDelayMs?: number;
  onError?: (error: unknown) => void;
}

class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * The outbox relay: reads the store's log after its checkpoint, publishes the public events
 * in log order, and advances the checkpoint only once the bus has taken them (at-least-once).
 * One relay per store is active at a time, through a lease; a restarted relay resumes from
 * the checkpoint.
 */
export class Relay {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private checkpoint = 0;
  /** The stored checkpoint as last read or written (undefined: never set), for compare-and-set. */
  private stored: number | undefined;

  constructor(private readonly options: RelayOptions) {}

  /** Position of the last event published and checkpointed by this relay. */
  get position(): number {
    return this.checkpoint;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.subscription?.stop();
    await this.loop;
    await this.options.store.leases.release(this.options.name, this.owner).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { store, name } = this.options;
    const ttl = this.options.leaseTtlMs ?? 15_000;
    while (this.running) {
      let renewal: NodeJS.Timeout | undefined;
      try {
        if (!(await store.leases.acquire(name, this.owner, ttl))) {
          await this.sleep(ttl / 3);
          continue;
        }
        this.stored = await store.checkpoints.get(name);
        // stop() may have come while the lease or the checkpoint was being read: it found no
        // subscription to stop, so none may start now.
        if (!this.running) break;
        this.checkpoint = this.stored ?? 0;
        let failure: unknown;
        const subscription = store.subscribe({
          after: this.checkpoint,
          batchSize: this.options.batchSize ?? 500,
          batchHandler: (events) => this.publish(events),
          onError: (error) => (failure = error),
        });
        this.subscription = subscription;
        renewal = setInterval(() => {
          void store.leases.acquire(name, this.owner, ttl).then(
            (held) => (held ? undefined : subscription.stop()),
            () => subscription.stop(),
          );
        }, ttl / 3);
        await subscription.done;
        if (failure !== undefined) throw asError(failure);
      } catch (error) {
        this.options.onError?.(error);
        await this.sleep(this.options.retryDelayMs ?? 1_000);
      } finally {
        clearInterval(renewal);
      }
    }
  }

  private async publish(events: RecordedEvent[]): Promise<void> {
    const { store, name, topic, bus } = this.options;
    const spans: OpenSpan[] = [];
    const messages: OutgoingMessage[] = [];
    for (const event of events) {
      const span = startSpan(`publish ${event.type}`, {
        kind: SpanKind.PRODUCER,
        traceparent: event.metadata.traceparent,
        attributes: { 'messaging.destination.name': topic, 'messaging.message.id': event.id },
      });
      const message = this.options.encode(event, span.traceparent);
      if (message) {
        messages.push(message);
        spans.push(span);
      } else span.end();
    }
    try {
      if (messages.length > 0) await bus.publish(topic, messages);
    } catch (error) {
      for (const span of spans) span.end(error);
      throw error;
    }
    for (const span of spans) span.end();
    const last = events[events.length - 1]!.position;
    if (!(await store.checkpoints.compareAndSet(name, this.stored, last))) {
      throw new LeaseLostError(
        `relay ${name}: its checkpoint moved under it; another relay is active`,
      );
    }
    this.stored = last;
    this.checkpoint = last;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(JSON.stringify(error));
}
