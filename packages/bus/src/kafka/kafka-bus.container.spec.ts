import { randomUUID } from 'node:crypto';
import { describeWithContainers } from '@kopfed/testkit';
import { KafkaContainer, type StartedKafkaContainer } from '@testcontainers/kafka';
import { describeBusConformance, message, waitFor } from '../conformance/bus-conformance';
import { DEAD_LETTER_HEADERS, deadLetterTopic, type IncomingMessage } from '../types';
import { ensureTopics } from './kafka-admin';
import { KafkaBus } from './kafka-bus';

const IMAGE = 'confluentinc/cp-kafka:7.6.1';
/** The PLAINTEXT listener @testcontainers/kafka maps to the host (9092 is inter-broker). */
const CLIENT_PORT = 9093;
const TIMEOUT_MS = 30_000;

describeWithContainers('Kafka bus (testcontainers, KRaft)', () => {
  let container: StartedKafkaContainer | undefined;
  // Filled in beforeAll; create() and freshTopic() run in hooks and tests after it.
  let brokers: string[] = [];

  beforeAll(async () => {
    container = await new KafkaContainer(IMAGE).withKraft().start();
    brokers = [`${container.getHost()}:${container.getMappedPort(CLIENT_PORT)}`];
  }, 300_000);

  afterAll(async () => {
    await container?.stop();
  });

  const open = () => new KafkaBus({ brokers, clientId: `kopfed-test-${randomUUID()}` });

  /** Three partitions, so keys spread and order per key is really tested. */
  const freshTopic = async () => {
    const topic = `t${randomUUID().replace(/-/g, '')}`;
    await ensureTopics(
      { brokers, clientId: 'kopfed-test-admin' },
      [topic, deadLetterTopic(topic)],
      {
        partitions: 3,
        replicationFactor: 1,
      },
    );
    return topic;
  };

  describeBusConformance({
    name: 'Kafka',
    create: async () => open(),
    freshTopic,
    timeoutMs: TIMEOUT_MS,
  });

  describe('Kafka bus specifics', () => {
    const buses: KafkaBus[] = [];
    const track = (bus: KafkaBus) => {
      buses.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
    });

    it('gives a new group what was published before it first joined', async () => {
      const topic = await freshTopic();
      const bus = track(open());
      await bus.publish(topic, [message('a', 1), message('a', 2)]);
      const seen: number[] = [];
      await bus.subscribe({
        topic,
        group: `g${randomUUID()}`,
        handler: (m) => void seen.push(num(m)),
      });
      await waitFor(() => seen.length >= 2, TIMEOUT_MS, 'two deliveries');
      expect(seen).toEqual([1, 2]);
    });

    it('resumes a group after its committed offset, once stop() has resolved', async () => {
      const topic = await freshTopic();
      const group = `g${randomUUID()}`;
      const first: number[] = [];
      const bus = track(open());
      const subscription = await bus.subscribe({
        topic,
        group,
        handler: (m) => void first.push(num(m)),
      });
      await bus.publish(topic, [message('a', 1), message('b', 2), message('c', 3)]);
      await waitFor(() => first.length >= 3, TIMEOUT_MS, 'first three');
      await subscription.stop();

      await bus.publish(topic, [message('a', 4), message('d', 5)]);
      const second: number[] = [];
      const again = track(open());
      await again.subscribe({ topic, group, handler: (m) => void second.push(num(m)) });
      await waitFor(() => second.length >= 2, TIMEOUT_MS, 'the two published after');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(second.sort()).toEqual([4, 5]);
    });

    it('delivers again a message whose handler never finished before stop()', async () => {
      const topic = await freshTopic();
      const group = `g${randomUUID()}`;
      const bus = track(open());
      let attempts = 0;
      const subscription = await bus.subscribe({
        topic,
        group,
        maxRetries: 100,
        retryDelayMs: 200,
        handler: () => {
          attempts++;
          throw new Error('store unavailable');
        },
      });
      await bus.publish(topic, [message('k', 1)]);
      await waitFor(() => attempts >= 2, TIMEOUT_MS, 'retrying');
      await subscription.stop();

      const redelivered: IncomingMessage[] = [];
      await track(open()).subscribe({ topic, group, handler: (m) => void redelivered.push(m) });
      await waitFor(() => redelivered.length >= 1, TIMEOUT_MS, 'redelivery');
      expect(redelivered[0]).toMatchObject({ key: 'k', attempt: 1 });
    });

    it('dead-letters with the original key, so one aggregate’s dead letters stay in order', async () => {
      const topic = await freshTopic();
      const bus = track(open());
      const dead: IncomingMessage[] = [];
      await bus.subscribe({
        topic: deadLetterTopic(topic),
        group: 'operator',
        handler: (m) => void dead.push(m),
      });
      await bus.subscribe({
        topic,
        group: 'g',
        maxRetries: 0,
        handler: () => {
          throw new Error('nope');
        },
      });
      await bus.publish(topic, [message('acc-1', 1), message('acc-1', 2), message('acc-1', 3)]);
      await waitFor(() => dead.length >= 3, TIMEOUT_MS, 'three dead letters');
      expect(dead.map((m) => [m.key, num(m), m.headers[DEAD_LETTER_HEADERS.attempts]])).toEqual([
        ['acc-1', 1, '1'],
        ['acc-1', 2, '1'],
        ['acc-1', 3, '1'],
      ]);
    });
  });
});

const num = (m: IncomingMessage) => (JSON.parse(m.value) as { n: number }).n;
