import { Prng } from './prng';
import { SimBus } from './sim-bus';

const message = (key: string, n: number) => ({
  key,
  value: `${key}:${n}`,
  headers: { 'ce-type': `kopfed.test.Happened.v1` },
});

async function busWith(handled: string[]) {
  const bus = new SimBus();
  await bus.subscribe({ topic: 't', group: 'g', handler: (m) => void handled.push(m.value) });
  return bus;
}

describe('the simulation bus', () => {
  it('keeps order per key while it reorders across keys', async () => {
    const handled: string[] = [];
    const bus = await busWith(handled);
    await bus.publish('t', [message('a', 1), message('b', 1), message('a', 2), message('b', 2)]);
    const prng = new Prng(3);
    while (bus.canDeliver()) await bus.deliverOne(prng);
    expect(handled.filter((v) => v.startsWith('a'))).toEqual(['a:1', 'a:2']);
    expect(handled.filter((v) => v.startsWith('b'))).toEqual(['b:1', 'b:2']);
    expect(handled).toHaveLength(4);
  });

  it('delivers again what a crashed consumer had not committed, and what was duplicated', async () => {
    const handled: string[] = [];
    const bus = await busWith(handled);
    await bus.publish('t', [message('a', 1)]);
    const prng = new Prng(1);
    await bus.deliverOne(prng);
    bus.inject('duplicate', prng);
    bus.inject('crash-consumer', prng);
    while (bus.canDeliver()) await bus.deliverOne(prng);
    expect(handled.length).toBeGreaterThanOrEqual(2);
    expect(new Set(handled)).toEqual(new Set(['a:1']));
  });

  it('holds a delayed key back until its steps have passed', async () => {
    const handled: string[] = [];
    const bus = await busWith(handled);
    await bus.publish('t', [message('a', 1)]);
    const prng = new Prng(2);
    expect(bus.inject('delay', prng)).toMatch(/^delay g/);
    expect(bus.canDeliver()).toBe(false);
    expect(bus.canDeliver(true)).toBe(true);
    for (let i = 0; i < 12; i++) bus.tick();
    await bus.deliverOne(prng);
    expect(handled).toEqual(['a:1']);
  });

  it('dead-letters a message its consumer keeps failing on', async () => {
    const bus = new SimBus();
    await bus.subscribe({
      topic: 't',
      group: 'g',
      handler: () => {
        throw new Error('cannot');
      },
    });
    await bus.publish('t', [message('a', 1)]);
    const prng = new Prng(4);
    while (bus.canDeliver()) await bus.deliverOne(prng);
    expect(bus.deadLetters).toEqual([
      expect.objectContaining({ group: 'g', key: 'a', error: 'cannot' }),
    ]);
  });

  it('gives every group every message, and a restarted group what it had not committed', async () => {
    const first: string[] = [];
    const bus = new SimBus();
    const subscription = await bus.subscribe({
      topic: 't',
      group: 'g',
      handler: (m) => void first.push(m.value),
    });
    await bus.publish('t', [message('a', 1), message('a', 2)]);
    const prng = new Prng(5);
    await bus.deliverOne(prng);
    await subscription.stop();
    bus.crashAll();
    const second: string[] = [];
    await bus.subscribe({ topic: 't', group: 'g', handler: (m) => void second.push(m.value) });
    while (bus.canDeliver()) await bus.deliverOne(prng);
    expect(first).toEqual(['a:1']);
    expect(second.at(-1)).toBe('a:2');
    expect(new Set([...first, ...second])).toEqual(new Set(['a:1', 'a:2']));
  });
});
