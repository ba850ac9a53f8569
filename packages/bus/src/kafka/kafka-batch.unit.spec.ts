import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { retryPolicy } from '../retry';
import type { IncomingMessage } from '../types';
import { consumeBatch, type PartitionWork } from './kafka-batch';

interface Sent {
  key: string;
  n: number;
}

/** A partition's batch as kafkajs hands it over, recording what the loop does with it. */
function fakeBatch(sent: Sent[], firstOffset = 10) {
  const log: string[] = [];
  const messages = sent.map((m, i): KafkaMessage => ({
    key: Buffer.from(m.key),
    value: Buffer.from(JSON.stringify(m)),
    headers: { 'ce-id': Buffer.from(`e${m.n}`) },
    offset: String(firstOffset + i),
    timestamp: '0',
    attributes: 0,
  }));
  const state = { running: true, heartbeatFails: false };
  const payload: EachBatchPayload = {
    batch: {
      topic: 'savings.events',
      partition: 2,
      highWatermark: String(firstOffset + sent.length),
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages[messages.length - 1]?.offset ?? '-1',
      offsetLag: () => '0',
      offsetLagLow: () => '0',
    },
    resolveOffset: (offset) => void log.push(`resolve ${offset}`),
    heartbeat: async () => {
      if (state.heartbeatFails) throw new Error('REBALANCE_IN_PROGRESS');
    },
    pause: () => () => undefined,
    commitOffsetsIfNecessary: async (offsets) => {
      const [topic] = offsets?.topics ?? [];
      expect(topic?.topic).toBe('savings.events');
      expect(topic?.partitions).toHaveLength(1);
      expect(topic?.partitions[0]?.partition).toBe(2);
      log.push(`commit ${topic?.partitions[0]?.offset}`);
    },
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning: () => state.running,
    isStale: () => false,
  };
  return { payload, log, state };
}

const n = (m: Pick<IncomingMessage, 'value'>) => (JSON.parse(m.value) as Sent).n;

function work(log: string[], overrides: Partial<PartitionWork> = {}): PartitionWork {
  return {
    handler: (m) => void log.push(`handle ${n(m)}`),
    policy: retryPolicy({ maxRetries: 2, retryDelayMs: 1 }),
    deadLetter: async (m, error, attempts) =>
      void log.push(`dead ${n(m)} after ${attempts}: ${(error as Error).message}`),
    stopping: () => false,
    cadence: { maxUncommitted: 100, maxIntervalMs: 60_000 },
    heartbeatEveryMs: 1_000,
    ...overrides,
  };
}

describe('consuming a partition batch', () => {
  it('handles in order and moves each offset only after its handler finished', async () => {
    const { payload, log } = fakeBatch([
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
      { key: 'a', n: 3 },
    ]);
    await consumeBatch(payload, work(log));
    expect(log).toEqual([
      'handle 1',
      'resolve 10',
      'handle 2',
      'resolve 11',
      'handle 3',
      'resolve 12',
      'commit 13',
    ]);
  });

  it('gives the handler the record as published, attempt 1', async () => {
    const { payload, log } = fakeBatch([{ key: 'acc-9', n: 1 }]);
    const received: IncomingMessage[] = [];
    await consumeBatch(payload, work(log, { handler: (m) => void received.push(m) }));
    expect(received).toEqual([
      {
        topic: 'savings.events',
        key: 'acc-9',
        value: JSON.stringify({ key: 'acc-9', n: 1 }),
        headers: { 'ce-id': 'e1' },
        attempt: 1,
      },
    ]);
  });

  it('retries a failing message while the partition waits, then goes on in order', async () => {
    const { payload, log } = fakeBatch([
      { key: 'k', n: 1 },
      { key: 'k', n: 2 },
    ]);
    let failures = 0;
    const handler = (m: IncomingMessage) => {
      log.push(`attempt ${n(m)}.${m.attempt}`);
      if (n(m) === 1 && failures++ < 2) throw new Error('transient');
    };
    await consumeBatch(payload, work(log, { handler }));
    expect(log).toEqual([
      'attempt 1.1',
      'attempt 1.2',
      'attempt 1.3',
      'resolve 10',
      'attempt 2.1',
      'resolve 11',
      'commit 12',
    ]);
  });

  it('dead-letters a message after its retries, before its offset moves, and carries on', async () => {
    const { payload, log } = fakeBatch([
      { key: 'poison', n: 1 },
      { key: 'good', n: 2 },
    ]);
    const handler = (m: IncomingMessage) => {
      if (m.key === 'poison') throw new Error('cannot apply this one');
      log.push(`handle ${n(m)}`);
    };
    await consumeBatch(payload, work(log, { handler }));
    expect(log).toEqual([
      'dead 1 after 3: cannot apply this one',
      'resolve 10',
      'handle 2',
      'resolve 11',
      'commit 12',
    ]);
  });

  it('keeps a message whose dead letter could not be published, committing what came before', async () => {
    const { payload, log } = fakeBatch([
      { key: 'good', n: 1 },
      { key: 'poison', n: 2 },
      { key: 'good', n: 3 },
    ]);
    const handler = (m: IncomingMessage) => {
      if (m.key === 'poison') throw new Error('bad');
      log.push(`handle ${n(m)}`);
    };
    const deadLetter = async () => {
      throw new Error('dlq unavailable');
    };
    await expect(consumeBatch(payload, work(log, { handler, deadLetter }))).rejects.toThrow(
      'dlq unavailable',
    );
    expect(log).toEqual(['handle 1', 'resolve 10', 'commit 11']);
  });

  it('finishes the message in hand when the subscription stops, commits it and takes no more', async () => {
    const { payload, log } = fakeBatch([
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
    ]);
    let stopping = false;
    const handler = async (m: IncomingMessage) => {
      stopping = true;
      await new Promise((r) => setTimeout(r, 20));
      log.push(`handle ${n(m)}`);
    };
    await consumeBatch(payload, work(log, { handler, stopping: () => stopping }));
    expect(log).toEqual(['handle 1', 'resolve 10', 'commit 11']);
  });

  it('stops retrying when the consumer stops, leaving the message to be delivered again', async () => {
    const { payload, log, state } = fakeBatch([{ key: 'k', n: 1 }]);
    const handler = () => {
      log.push('attempt');
      state.running = false;
      throw new Error('transient');
    };
    await consumeBatch(payload, work(log, { handler }));
    expect(log).toEqual(['attempt']);
  });

  it('commits along the way by the cadence, and whatever is left at the end', async () => {
    const { payload, log } = fakeBatch(
      Array.from({ length: 5 }, (_, i) => ({ key: 'k', n: i })),
      0,
    );
    await consumeBatch(
      payload,
      work(log, {
        handler: () => undefined,
        cadence: { maxUncommitted: 2, maxIntervalMs: 60_000 },
      }),
    );
    expect(log.filter((line) => line.startsWith('commit'))).toEqual([
      'commit 2',
      'commit 4',
      'commit 5',
    ]);
  });

  it('yields the partition after the message in hand when a heartbeat fails', async () => {
    const { payload, log, state } = fakeBatch([
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
    ]);
    state.heartbeatFails = true;
    const handler = async (m: IncomingMessage) => {
      await new Promise((r) => setTimeout(r, 40));
      log.push(`handle ${n(m)}`);
    };
    await consumeBatch(payload, work(log, { handler, heartbeatEveryMs: 5 }));
    expect(log).toEqual(['handle 1', 'resolve 10', 'commit 11']);
  });

  it('commits nothing when it handled nothing', async () => {
    const { payload, log } = fakeBatch([{ key: 'a', n: 1 }]);
    await consumeBatch(payload, work(log, { stopping: () => true }));
    expect(log).toEqual([]);
  });
});
