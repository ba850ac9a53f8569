import { InvalidBusRequestError } from '../errors';
import {
  assertBrokers,
  consumerConfig,
  producerConfig,
  publishRecord,
  runConfig,
  subscription,
} from './kafka-config';

const eachBatch = async () => undefined;

describe('kafka producer settings', () => {
  it('uses an idempotent producer with one request in flight (kafkajs allows at most 5)', () => {
    const config = producerConfig();
    expect(config.idempotent).toBe(true);
    expect(config.maxInFlightRequests).toBe(1);
    expect(config.allowAutoTopicCreation).toBe(false);
    // kafkajs refuses an idempotent producer without retries.
    expect(config.retry?.retries).toBeGreaterThanOrEqual(1);
  });

  it('publishes keyed by aggregate id and waits for every in-sync replica', () => {
    expect(
      publishRecord('savings.events', [{ key: 'acc-1', value: '{}', headers: { a: 'b' } }]),
    ).toEqual({
      topic: 'savings.events',
      acks: -1,
      messages: [{ key: 'acc-1', value: '{}', headers: { a: 'b' } }],
    });
  });
});

describe('kafka consumer settings', () => {
  const options = { topic: 't', group: 'g', handler: () => undefined };

  it('commits nothing by itself: the batch loop resolves and commits handled offsets', () => {
    const config = runConfig(options, eachBatch);
    expect(config.autoCommit).toBe(false);
    expect(config.eachBatchAutoResolve).toBe(false);
    expect(config.eachMessage).toBeUndefined();
    expect(config.eachBatch).toBe(eachBatch);
  });

  it('handles as many partitions at once as maxKeysInFlight allows (16 by default)', () => {
    expect(runConfig(options, eachBatch).partitionsConsumedConcurrently).toBe(16);
    expect(
      runConfig({ ...options, maxKeysInFlight: 3 }, eachBatch).partitionsConsumedConcurrently,
    ).toBe(3);
  });

  it('starts a new group at the earliest record', () => {
    expect(subscription('t')).toEqual({ topics: ['t'], fromBeginning: true });
  });

  it('names the group and lets kafkajs restart a crashed consumer only while not stopping', async () => {
    let stopping = false;
    const config = consumerConfig('books', () => stopping);
    expect(config.groupId).toBe('books');
    expect(config.allowAutoTopicCreation).toBe(false);
    await expect(config.retry?.restartOnFailure?.(new Error('x'))).resolves.toBe(true);
    stopping = true;
    await expect(config.retry?.restartOnFailure?.(new Error('x'))).resolves.toBe(false);
  });
});

describe('kafka brokers', () => {
  it('takes the brokers of a kafka:// URL', () => {
    const brokers = 'kafka-1:9092,10.0.0.7:19092,kafka_2.internal:9093'.split(',');
    expect(() => assertBrokers(brokers)).not.toThrow();
  });

  it.each([
    [[], 'brokers'],
    ['kafka:9092', 'brokers'],
    [['kafka'], 'brokers[0]'],
    [['kafka:9092', 'kafka:0'], 'brokers[1]'],
    [['kafka:65536'], 'brokers[0]'],
    [['[::1]:9092'], 'brokers[0]'],
    [['kafka://kafka:9092'], 'brokers[0]'],
    [[42], 'brokers[0]'],
  ])('refuses %p, naming %s', (brokers, field) => {
    let refused: unknown;
    try {
      assertBrokers(brokers);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InvalidBusRequestError);
    expect((refused as InvalidBusRequestError).field).toBe(field);
  });
});
