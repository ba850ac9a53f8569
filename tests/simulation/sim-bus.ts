import type {
  Bus,
  BusSubscription,
  IncomingMessage,
  MessageHandler,
  OutgoingMessage,
  SubscribeOptions,
} from '@kopfed/bus';
import type { Prng } from './prng';

/** One published message as one consumer group sees it. */
interface Entry {
  /** Global publish order: deliveries and faults are chosen over entries sorted by it. */
  seq: number;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  attempts: number;
}

interface Group {
  id: string;
  topic: string;
  group: string;
  handler: MessageHandler | undefined;
  maxRetries: number;
  /** Pending entries per key, in publish order (the port promises order per key only). */
  queues: Map<string, Entry[]>;
  /** Handled but not yet committed: a crash hands them out again. */
  uncommitted: Entry[];
  /** Handled at least once: what a duplicate fault re-sends. Bounded. */
  handled: Entry[];
  /** Keys held back until the given step (a delayed partition). */
  heldUntil: Map<string, number>;
}

export interface DeadLetter {
  group: string;
  topic: string;
  key: string;
  type: string | undefined;
  error: string;
}

export type BusFault = 'duplicate' | 'delay' | 'crash-consumer';

const HANDLED_KEPT = 200;
const MAX_RETRIES = 3;

/**
 * The bus port as the simulation drives it, with Kafka's delivery semantics: `publish` takes
 * the messages durably and returns; nothing reaches a consumer until the scheduler delivers it.
 * Each group keeps order per key only, so the scheduler reorders across keys freely. Faults:
 * a duplicate (a message sent again, as a producer retry or a lost acknowledgement does), a
 * delay (a key held back for some steps) and a consumer crash (everything handled since the
 * group's last commit is delivered again).
 */
export class SimBus implements Bus {
  private readonly groups = new Map<string, Group>();
  private seq = 0;
  /** Where this run's messages start: the trace numbers them from here, the same every run. */
  private runStart = 0;
  private step = 0;
  deadLetters: DeadLetter[] = [];
  /** Deliveries made and faults injected in this run, for its summary. */
  counts = newCounts();

  /**
   * Starts a run on a drained bus: earlier runs leave nothing a fault could pick (no history to
   * duplicate, nothing uncommitted, nothing held), so a run goes the same way in any world.
   */
  beginRun(): void {
    if (this.pendingCount() > 0) throw new Error('SimBus.beginRun: messages still pending');
    for (const group of this.groups.values()) {
      group.uncommitted = [];
      group.handled = [];
      group.heldUntil.clear();
    }
    this.runStart = this.seq;
    this.step = 0;
    this.deadLetters = [];
    this.counts = newCounts();
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    for (const message of messages) {
      const seq = ++this.seq;
      for (const group of this.groups.values()) {
        if (group.topic !== topic) continue;
        enqueue(group, {
          seq,
          topic,
          key: message.key,
          value: message.value,
          headers: { ...message.headers },
          attempts: 0,
        });
      }
    }
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    const id = `${options.topic}|${options.group}`;
    const existing = this.groups.get(id);
    if (existing?.handler) throw new Error(`${options.group} already consumes ${options.topic}`);
    const group: Group = existing ?? {
      id,
      topic: options.topic,
      group: options.group,
      handler: undefined,
      maxRetries: options.maxRetries ?? MAX_RETRIES,
      queues: new Map(),
      uncommitted: [],
      handled: [],
      heldUntil: new Map(),
    };
    group.handler = options.handler;
    this.groups.set(id, group);
    return {
      stop: async () => {
        if (group.handler === options.handler) group.handler = undefined;
      },
    };
  }

  async close(): Promise<void> {
    for (const group of this.groups.values()) group.handler = undefined;
  }

  /** The scheduler's step counter, which delays are measured in. */
  tick(): void {
    this.step++;
  }

  /** Whether any subscribed group has a message it may be given now. */
  canDeliver(ignoreDelays = false): boolean {
    return this.deliverable(ignoreDelays).length > 0;
  }

  /** Hands the next message of one (group, key), chosen by the PRNG, to its consumer. */
  async deliverOne(prng: Prng, ignoreDelays = false): Promise<string | undefined> {
    const choices = this.deliverable(ignoreDelays);
    if (choices.length === 0) return undefined;
    const [group, key] = prng.pick(choices);
    const queue = group.queues.get(key)!;
    const entry = queue[0]!;
    entry.attempts++;
    const message: IncomingMessage = {
      topic: entry.topic,
      key: entry.key,
      value: entry.value,
      headers: entry.headers,
      attempt: entry.attempts,
    };
    try {
      await group.handler!(message);
    } catch (error) {
      this.counts.failed++;
      if (entry.attempts <= group.maxRetries)
        return `${group.group} failed ${this.describe(entry)}`;
      queue.shift();
      if (queue.length === 0) group.queues.delete(key);
      this.deadLetters.push({
        group: group.group,
        topic: entry.topic,
        key,
        type: entry.headers['ce-type'],
        error: error instanceof Error ? error.message : String(error),
      });
      return `${group.group} dead-lettered ${this.describe(entry)}`;
    }
    this.counts.delivered++;
    queue.shift();
    if (queue.length === 0) group.queues.delete(key);
    group.uncommitted.push(entry);
    group.handled.push(entry);
    if (group.handled.length > HANDLED_KEPT) group.handled.shift();
    // Consumers commit their offsets now and then, not after every message.
    if (prng.chance(0.3)) group.uncommitted.length = 0;
    return `${group.group} <- ${this.describe(entry)}`;
  }

  /** Injects one bus fault into a group chosen by the PRNG; undefined when none applies. */
  inject(fault: BusFault, prng: Prng): string | undefined {
    const groups = [...this.groups.values()].filter((g) => g.handler);
    switch (fault) {
      case 'duplicate': {
        const withHistory = groups.filter((g) => g.handled.length > 0);
        if (withHistory.length === 0) return undefined;
        const group = prng.pick(withHistory);
        const entry = prng.pick(group.handled);
        enqueue(group, { ...entry, attempts: 0 });
        this.counts.duplicate++;
        return `duplicate ${this.describe(entry)} to ${group.group}`;
      }
      case 'delay': {
        const pending = groups.flatMap((g) => [...g.queues.keys()].map((k) => [g, k] as const));
        if (pending.length === 0) return undefined;
        const [group, key] = prng.pick(pending);
        group.heldUntil.set(key, this.step + prng.int(2, 12));
        this.counts.delay++;
        return `delay ${group.group} for ${this.describe(group.queues.get(key)![0]!)}`;
      }
      case 'crash-consumer': {
        if (groups.length === 0) return undefined;
        const group = prng.pick(groups);
        const redelivered = group.uncommitted.length;
        this.rewind(group);
        this.counts['crash-consumer']++;
        return `crash ${group.group}: ${redelivered} uncommitted redelivered`;
      }
      default:
        return fault satisfies never;
    }
  }

  /**
   * A whole process crashed: every group loses its uncommitted progress and its consumer.
   * The restarted host subscribes again under the same group names and carries on.
   */
  crashAll(): void {
    for (const group of this.groups.values()) {
      this.rewind(group);
      group.handler = undefined;
    }
  }

  /** Loses every message pending for a group: the fault the harness's own tests must catch. */
  dropPending(groupName: string): number {
    let dropped = 0;
    for (const group of this.groups.values()) {
      if (group.group !== groupName) continue;
      for (const queue of group.queues.values()) dropped += queue.length;
      group.queues.clear();
    }
    return dropped;
  }

  /** Messages not yet handled by some subscribed group. */
  pendingCount(): number {
    let pending = 0;
    for (const group of this.groups.values())
      for (const queue of group.queues.values()) pending += queue.length;
    return pending;
  }

  private rewind(group: Group): void {
    // Back to the front of their keys, in their original order, ahead of newer messages.
    const byKey = new Map<string, Entry[]>();
    for (const entry of group.uncommitted) {
      const list = byKey.get(entry.key) ?? [];
      list.push({ ...entry, attempts: 0 });
      byKey.set(entry.key, list);
    }
    for (const [key, entries] of byKey) {
      group.queues.set(key, [...entries, ...(group.queues.get(key) ?? [])]);
    }
    group.uncommitted = [];
  }

  /** The message's type and its number in this run. */
  private describe(entry: Entry): string {
    const type = entry.headers['ce-type'] ?? 'message';
    return `${type.replace(/^kopfed\./, '')}#${entry.seq - this.runStart}`;
  }

  private deliverable(ignoreDelays: boolean): (readonly [Group, string])[] {
    const choices: (readonly [Group, string])[] = [];
    for (const group of this.groups.values()) {
      if (!group.handler) continue;
      for (const key of group.queues.keys()) {
        if (!ignoreDelays && (group.heldUntil.get(key) ?? 0) > this.step) continue;
        choices.push([group, key]);
      }
    }
    // Map order follows insertion, which follows the (deterministic) order of events.
    return choices;
  }
}

function enqueue(group: Group, entry: Entry): void {
  const queue = group.queues.get(entry.key);
  if (queue) queue.push(entry);
  else group.queues.set(entry.key, [entry]);
}

function newCounts() {
  return { delivered: 0, failed: 0, duplicate: 0, delay: 0, 'crash-consumer': 0 };
}
