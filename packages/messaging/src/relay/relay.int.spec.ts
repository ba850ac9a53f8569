import { InProcessBus, type IncomingMessage } from '@kopfed/bus';
import { SqliteEventStore, type RecordedEvent } from '@kopfed/eventstore';
import { Relay, type RelayOptions } from './relay';

const waitFor = async (condition: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const encode: RelayOptions['encode'] = (event: RecordedEvent, traceparent) =>
  event.type.startsWith('Private')
    ? undefined
    : {
        key: event.stream,
        value: JSON.stringify({ id: event.id, data: event.data }),
        headers: { 'ce-id': event.id, ...(traceparent ? { traceparent } : {}) },
      };

function relayFor(store: SqliteEventStore, bus: InProcessBus, extra: Partial<RelayOptions> = {}) {
  return new Relay({
    name: 'relay:test',
    store,
    bus,
    topic: 'test',
    encode,
    batchSize: 7,
    leaseTtlMs: 300,
    retryDelayMs: 20,
    ...extra,
  });
}

describe('Relay', () => {
  let store: SqliteEventStore;
  let bus: InProcessBus;
  let received: IncomingMessage[];
  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 20 });
    bus = new InProcessBus();
    received = [];
    await bus.subscribe({ topic: 'test', group: 'g', handler: (m) => void received.push(m) });
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  const append = (stream: string, type: string, n: number) =>
    store.append(stream, [{ id: crypto.randomUUID(), type, schemaVersion: 1, data: { n } }], {
      expectedRevision: 'any',
    });

  it('publishes public events in log order, skips private ones and checkpoints what it published', async () => {
    for (let n = 0; n < 20; n++)
      await append(`thing-${n % 3}`, n % 5 === 0 ? 'PrivateNoted' : 'ThingHappened', n);
    const relay = relayFor(store, bus);
    relay.start();
    await waitFor(() => relay.position === 20);
    await relay.stop();
    const published = received.map((m) => ({
      key: m.key,
      n: (JSON.parse(m.value) as { data: { n: number } }).data.n,
    }));
    const expected = Array.from({ length: 20 }, (_, n) => n).filter((n) => n % 5 !== 0);
    expect(published.map((p) => p.n).sort((a, b) => a - b)).toEqual(expected);
    // The bus keeps order per key (stream); keys may interleave.
    for (const key of ['thing-0', 'thing-1', 'thing-2']) {
      const ns = published.filter((p) => p.key === key).map((p) => p.n);
      expect(ns).toEqual(expected.filter((n) => `thing-${n % 3}` === key));
    }
    expect(await store.checkpoints.get('relay:test')).toBe(20);
  });

  it('picks up live events and resumes after a restart without republishing', async () => {
    const first = relayFor(store, bus);
    first.start();
    await append('thing-1', 'ThingHappened', 1);
    await waitFor(() => received.length === 1);
    await first.stop();
    await append('thing-1', 'ThingHappened', 2);
    const second = relayFor(store, bus);
    second.start();
    await waitFor(() => received.length === 2);
    await second.stop();
    expect(received.map((m) => (JSON.parse(m.value) as { data: { n: number } }).data.n)).toEqual([
      1, 2,
    ]);
  });

  it('lets only the lease holder publish; another takes over when the holder stops', async () => {
    for (let n = 0; n < 5; n++) await append('thing-1', 'ThingHappened', n);
    const a = relayFor(store, bus);
    const b = relayFor(store, bus);
    a.start();
    await waitFor(() => a.position === 5);
    b.start();
    await append('thing-1', 'ThingHappened', 5);
    await waitFor(() => received.length === 6);
    expect(b.position).toBe(0);
    await a.stop();
    await append('thing-1', 'ThingHappened', 6);
    await waitFor(() => b.position === 7, 5_000);
    await b.stop();
    expect(received).toHaveLength(7);
  });

  it('does not advance its checkpoint when the bus fails, and retries', async () => {
    let failures = 0;
    const flaky = {
      publish: async (topic: string, messages: Parameters<InProcessBus['publish']>[1]) => {
        if (failures++ < 2) throw new Error('broker unavailable');
        return bus.publish(topic, messages);
      },
      subscribe: bus.subscribe.bind(bus),
      close: bus.close.bind(bus),
    };
    const errors: unknown[] = [];
    await append('thing-1', 'ThingHappened', 1);
    const relay = relayFor(store, bus, { bus: flaky, onError: (e) => errors.push(e) });
    relay.start();
    await waitFor(() => relay.position === 1);
    await relay.stop();
    expect(errors).toHaveLength(2);
    expect(received).toHaveLength(1);
  });

  it('stopped while it starts, it stops at once and publishes nothing', async () => {
    await append('thing-1', 'ThingHappened', 1);
    const relay = relayFor(store, bus);
    relay.start();
    const stopped = relay.stop().then(() => 'stopped');
    const timedOut = new Promise((resolve) => setTimeout(() => resolve('still running'), 1_000));
    expect(await Promise.race([stopped, timedOut])).toBe('stopped');
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(0);
    expect(await store.checkpoints.get('relay:test')).toBeUndefined();
  });
});
