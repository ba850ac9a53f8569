import { randomUUID } from 'node:crypto';
import { describeBusConformance, message, waitFor } from '../conformance/bus-conformance';
import { BusStoppedError, UnprocessableMessageError } from '../errors';
import { InProcessBus } from './in-process-bus';

describeBusConformance({
  name: 'in-process',
  create: async () => new InProcessBus(),
  freshTopic: async () => `topic-${randomUUID()}`,
});

describe('in-process bus specifics', () => {
  it('resolves publish only after every group has handled the messages', async () => {
    const bus = new InProcessBus();
    const handled: number[] = [];
    await bus.subscribe({
      topic: 't',
      group: 'slow',
      handler: async () => {
        await new Promise((r) => setTimeout(r, 20));
        handled.push(1);
      },
    });
    await bus.publish('t', [message('a', 1), message('b', 2)]);
    expect(handled).toHaveLength(2);
    await bus.close();
  });

  it('rejects publish when the subscription stops before handling, so the relay does not advance', async () => {
    const bus = new InProcessBus();
    let release!: () => void;
    const subscription = await bus.subscribe({
      topic: 't',
      group: 'g',
      maxKeysInFlight: 1,
      handler: () => new Promise<void>((r) => (release = r)),
    });
    const published = bus.publish('t', [message('a', 1), message('b', 2)]);
    await waitFor(() => release !== undefined, 1_000);
    const stopped = subscription.stop();
    release();
    await stopped;
    await expect(published).rejects.toBeInstanceOf(BusStoppedError);
  });

  it('keeps the newest dead letters within a count and a size, oldest dropped first', async () => {
    const failing = async (bus: InProcessBus) => {
      await bus.subscribe({
        topic: 't',
        group: 'g',
        maxRetries: 0,
        handler: () => Promise.reject(new Error('no')),
      });
      return bus;
    };
    const values = (bus: InProcessBus) => bus.deadLetters().map((d) => d.message.value);
    const byCount = await failing(new InProcessBus({ keepDeadLetters: 2 }));
    for (const v of ['a', 'b', 'c']) await byCount.publish('t', [{ key: 'k', value: v }]);
    expect(values(byCount)).toEqual(['b', 'c']);
    await byCount.close();

    const bySize = await failing(new InProcessBus({ keepDeadLetterChars: 10 }));
    for (const v of ['1234', '5678', 'abcd']) await bySize.publish('t', [{ key: 'k', value: v }]);
    expect(values(bySize)).toEqual(['5678', 'abcd']);
    // One larger than the whole allowance is still kept, alone: the newest is never dropped.
    await bySize.publish('t', [{ key: 'k', value: 'x'.repeat(11) }]);
    expect(values(bySize)).toEqual(['x'.repeat(11)]);
    await bySize.close();
  });

  it('keeps dead letters for inspection and hands them to the sink', async () => {
    const sunk: string[] = [];
    const bus = new InProcessBus({ onDeadLetter: (d) => void sunk.push(d.topic) });
    await bus.subscribe({
      topic: 't',
      group: 'g',
      maxRetries: 0,
      handler: () => Promise.reject(new Error('no')),
    });
    await bus.publish('t', [message('a', 1)]);
    expect(bus.deadLetters()).toHaveLength(1);
    expect(sunk).toEqual(['t.dlq']);
    await bus.close();
  });

  it('refuses a second consumer of the same group in one process', async () => {
    const bus = new InProcessBus();
    await bus.subscribe({ topic: 't', group: 'g', handler: () => undefined });
    await expect(
      bus.subscribe({ topic: 't', group: 'g', handler: () => undefined }),
    ).rejects.toThrow(/already consumes/);
    await bus.close();
  });
});

describe('redelivering one message to one group', () => {
  it('hands it to that group alone, in turn with the key, and says whether it was handled', async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    let fail = true;
    await bus.subscribe({
      topic: 't',
      group: 'g',
      maxRetries: 1,
      retryDelayMs: 1,
      handler: (m) => {
        seen.push(`g:${(JSON.parse(m.value) as { n: number }).n}`);
        if (fail) throw new Error('still down');
      },
    });
    await bus.subscribe({
      topic: 't',
      group: 'other',
      handler: (m) => void seen.push(`o:${m.value}`),
    });
    const failed = await bus.redeliver('t', 'g', message('a', 1));
    expect(failed).toMatchObject({ handled: false, attempts: 2 });
    // A redelivery that fails again is the caller's to keep, not a second dead letter.
    expect(bus.deadLetters()).toHaveLength(0);
    fail = false;
    await expect(bus.redeliver('t', 'g', message('a', 2))).resolves.toEqual({ handled: true });
    expect(seen).toEqual(['g:1', 'g:1', 'g:2']);
    await bus.close();
  });

  it('refuses a group that does not consume the topic here, and a closed bus', async () => {
    const bus = new InProcessBus();
    await bus.subscribe({ topic: 't', group: 'g', handler: () => undefined });
    await expect(bus.redeliver('t', 'missing', message('a', 1))).rejects.toThrow(
      /does not consume t/,
    );
    await bus.close();
    await expect(bus.redeliver('t', 'g', message('a', 1))).rejects.toBeInstanceOf(BusStoppedError);
  });
});

describe('unprocessable messages', () => {
  it('go to the dead-letter topic at once, without retries', async () => {
    const bus = new InProcessBus();
    let attempts = 0;
    await bus.subscribe({
      topic: 't',
      group: 'g',
      maxRetries: 5,
      handler: () => {
        attempts++;
        throw new UnprocessableMessageError('not a valid envelope');
      },
    });
    await bus.publish('t', [message('a', 1)]);
    expect(attempts).toBe(1);
    expect(bus.deadLetters()[0]!.message.headers).toMatchObject({ 'kopfed-dlq-attempts': '1' });
    await bus.close();
  });
});
