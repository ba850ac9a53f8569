import { randomUUID } from 'node:crypto';
import { InvalidBusRequestError } from '../errors';
import {
  DEAD_LETTER_HEADERS,
  deadLetterTopic,
  type Bus,
  type IncomingMessage,
  type OutgoingMessage,
} from '../types';

/** What the suite needs from an adapter. */
export interface BusUnderTest {
  name: string;
  /** A connected bus; the suite closes it. */
  create(): Promise<Bus>;
  /** A topic name no other test uses (the adapter may create it, with its `.dlq`). */
  freshTopic(): Promise<string>;
  /** How long to wait for deliveries (Kafka rebalances are slow). */
  timeoutMs?: number;
}

export function message(
  key: string,
  n: number,
  headers: Record<string, string> = {},
): OutgoingMessage {
  return { key, value: JSON.stringify({ key, n }), headers };
}

export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const n = (m: IncomingMessage) => (JSON.parse(m.value) as { n: number }).n;

/** The one suite every bus adapter passes. */
export function describeBusConformance(target: BusUnderTest): void {
  const timeout = target.timeoutMs ?? 10_000;
  let bus: Bus;
  beforeEach(async () => {
    bus = await target.create();
  });
  afterEach(async () => {
    await bus.close();
  });

  describe(`bus conformance: ${target.name}`, () => {
    it('delivers every message with its key, value and headers', async () => {
      const topic = await target.freshTopic();
      const received: IncomingMessage[] = [];
      await bus.subscribe({ topic, group: 'g', handler: (m) => void received.push(m) });
      await bus.publish(topic, [
        message('a', 1, { 'ce-id': 'e1', traceparent: '00-x-y-01' }),
        message('b', 2),
      ]);
      await waitFor(() => received.length >= 2, timeout, 'two deliveries');
      const first = received.find((m) => m.key === 'a')!;
      expect(first).toMatchObject({
        topic,
        key: 'a',
        value: JSON.stringify({ key: 'a', n: 1 }),
        attempt: 1,
      });
      expect(first.headers).toMatchObject({ 'ce-id': 'e1', traceparent: '00-x-y-01' });
    });

    it('keeps the order of each key while keys interleave', async () => {
      const topic = await target.freshTopic();
      const seen = new Map<string, number[]>();
      await bus.subscribe({
        topic,
        group: 'g',
        handler: async (m) => {
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          seen.set(m.key, [...(seen.get(m.key) ?? []), n(m)]);
        },
      });
      const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
      const batch = Array.from({ length: 200 }, (_, i) => message(keys[i % keys.length]!, i));
      await bus.publish(topic, batch.slice(0, 100));
      await bus.publish(topic, batch.slice(100));
      await waitFor(
        () => [...seen.values()].reduce((s, l) => s + l.length, 0) >= 200,
        timeout,
        '200 deliveries',
      );
      for (const key of keys) {
        const expected = batch
          .filter((m) => m.key === key)
          .map((m) => (JSON.parse(m.value) as { n: number }).n);
        expect(seen.get(key)).toEqual(expected);
      }
    });

    it('gives every consumer group its own copy of every message', async () => {
      const topic = await target.freshTopic();
      const a: number[] = [];
      const b: number[] = [];
      await bus.subscribe({ topic, group: 'projection', handler: (m) => void a.push(n(m)) });
      await bus.subscribe({ topic, group: 'books', handler: (m) => void b.push(n(m)) });
      await bus.publish(topic, [message('x', 1), message('x', 2), message('y', 3)]);
      await waitFor(() => a.length >= 3 && b.length >= 3, timeout, 'both groups');
      expect(a.sort()).toEqual([1, 2, 3]);
      expect(b.sort()).toEqual([1, 2, 3]);
    });

    it('retries a failing handler and delivers once it succeeds, in order', async () => {
      const topic = await target.freshTopic();
      const handled: number[] = [];
      let failures = 0;
      await bus.subscribe({
        topic,
        group: 'g',
        retryDelayMs: 5,
        handler: (m) => {
          if (n(m) === 1 && failures < 2) {
            failures++;
            throw new Error('transient');
          }
          handled.push(n(m));
        },
      });
      await bus.publish(topic, [message('k', 1), message('k', 2)]);
      await waitFor(() => handled.length >= 2, timeout, 'two handled');
      expect(handled).toEqual([1, 2]);
      expect(failures).toBe(2);
    });

    it('sends a poison message to <topic>.dlq with its error after the retries, and keeps the rest flowing', async () => {
      const topic = await target.freshTopic();
      const dead: IncomingMessage[] = [];
      const handled: string[] = [];
      let attempts = 0;
      await bus.subscribe({
        topic: deadLetterTopic(topic),
        group: 'operator',
        handler: (m) => void dead.push(m),
      });
      await bus.subscribe({
        topic,
        group: 'g',
        maxRetries: 2,
        retryDelayMs: 5,
        handler: (m) => {
          if (m.key === 'poison') {
            attempts++;
            throw new Error('cannot apply this one');
          }
          handled.push(`${m.key}:${n(m)}`);
        },
      });
      await bus.publish(topic, [
        message('poison', 1, { 'ce-id': 'bad' }),
        message('good', 2),
        message('other', 3),
        message('poison', 4),
      ]);
      await waitFor(
        () => dead.length >= 2 && handled.length >= 2,
        timeout,
        'dead letters and good deliveries',
      );
      expect(handled.sort()).toEqual(['good:2', 'other:3']);
      expect(attempts).toBe(6);
      expect(dead.map(n)).toEqual([1, 4]);
      expect(dead[0]!.headers).toMatchObject({
        'ce-id': 'bad',
        [DEAD_LETTER_HEADERS.error]: 'Error: cannot apply this one',
        [DEAD_LETTER_HEADERS.originalTopic]: topic,
        [DEAD_LETTER_HEADERS.group]: 'g',
        [DEAD_LETTER_HEADERS.attempts]: '3',
      });
    });

    it('delivers 10,000 messages over many keys exactly as published', async () => {
      const topic = await target.freshTopic();
      const counts = new Map<number, number>();
      await bus.subscribe({
        topic,
        group: 'g',
        handler: (m) => void counts.set(n(m), (counts.get(n(m)) ?? 0) + 1),
      });
      for (let batch = 0; batch < 10; batch++) {
        await bus.publish(
          topic,
          Array.from({ length: 1_000 }, (_, i) => message(`k${i % 97}`, batch * 1_000 + i)),
        );
      }
      await waitFor(() => counts.size >= 10_000, timeout * 3, '10,000 deliveries');
      expect([...counts.values()].every((c) => c >= 1)).toBe(true);
      expect(counts.size).toBe(10_000);
    }, 60_000);

    it('waits for the message in flight when a subscription stops', async () => {
      const topic = await target.freshTopic();
      let finished = 0;
      let started = 0;
      const subscription = await bus.subscribe({
        topic,
        group: 'g',
        handler: async () => {
          started++;
          await new Promise((r) => setTimeout(r, 200));
          finished++;
        },
      });
      void bus.publish(topic, [message('slow', 1)]).catch(() => undefined);
      await waitFor(() => started >= 1, timeout, 'handler started');
      await subscription.stop();
      expect(finished).toBe(1);
    });

    it('refuses malformed publish and subscribe requests', async () => {
      const topic = await target.freshTopic();
      await expect(bus.publish('bad topic!', [message('k', 1)])).rejects.toBeInstanceOf(
        InvalidBusRequestError,
      );
      await expect(bus.publish(topic, [{ key: '', value: 'x' }])).rejects.toBeInstanceOf(
        InvalidBusRequestError,
      );
      await expect(
        bus.publish(topic, [{ key: 'k', value: 42 as unknown as string }]),
      ).rejects.toBeInstanceOf(InvalidBusRequestError);
      await expect(
        bus.subscribe({ topic, group: `g ${randomUUID()}`, handler: () => undefined }),
      ).rejects.toBeInstanceOf(InvalidBusRequestError);
    });
  });
}
