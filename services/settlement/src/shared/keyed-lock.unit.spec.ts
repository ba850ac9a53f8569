import { KeyedLock } from './keyed-lock';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A run that stays inside the lock until `finish` is called, logging when it starts. */
function holder(lock: KeyedLock, keys: string[], log: string[], name: string) {
  let finish!: () => void;
  const done = lock.run(keys, async () => {
    log.push(name);
    await new Promise<void>((resolve) => (finish = resolve));
    return name;
  });
  return { done, finish: () => finish() };
}

describe('KeyedLock', () => {
  it('runs work on one key one at a time, in arrival order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const a = holder(lock, ['x'], log, 'a');
    const b = holder(lock, ['x'], log, 'b');
    await tick();
    expect(log).toEqual(['a']);
    a.finish();
    await a.done;
    await tick();
    expect(log).toEqual(['a', 'b']);
    b.finish();
    await expect(b.done).resolves.toBe('b');
    expect(lock.size).toBe(0);
  });

  it('runs work on different keys at once', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const a = holder(lock, ['x'], log, 'a');
    const b = holder(lock, ['y'], log, 'b');
    await tick();
    expect(log).toEqual(['a', 'b']);
    a.finish();
    b.finish();
    await Promise.all([a.done, b.done]);
  });

  it('holds every key of a run: a run sharing any one of them waits', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const group = holder(lock, ['g', 't1', 't2', 't3'], log, 'group');
    const single = holder(lock, ['t3'], log, 'single');
    const other = holder(lock, ['t4'], log, 'other');
    await tick();
    expect(log).toEqual(['group', 'other']);
    group.finish();
    await group.done;
    await tick();
    expect(log).toEqual(['group', 'other', 'single']);
    single.finish();
    other.finish();
    await Promise.all([single.done, other.done]);
    expect(lock.size).toBe(0);
  });

  it('does not deadlock two runs naming shared keys in opposite orders', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const first = holder(lock, ['a', 'b', 'c'], log, 'first');
    const second = holder(lock, ['c', 'b', 'a'], log, 'second');
    const third = holder(lock, ['b', 'd'], log, 'third');
    await tick();
    expect(log).toEqual(['first']);
    first.finish();
    await first.done;
    await tick();
    expect(log).toEqual(['first', 'second']);
    second.finish();
    await second.done;
    await tick();
    expect(log).toEqual(['first', 'second', 'third']);
    third.finish();
    await third.done;
    expect(lock.size).toBe(0);
  });

  it('takes a key named twice once', async () => {
    const lock = new KeyedLock();
    await expect(lock.run(['x', 'y', 'x'], async () => 'ran')).resolves.toBe('ran');
    expect(lock.size).toBe(0);
  });

  it('lets the next run in when work fails', async () => {
    const lock = new KeyedLock();
    await expect(
      lock.run(['x'], async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await expect(lock.run(['x'], async () => 'next')).resolves.toBe('next');
    expect(lock.size).toBe(0);
  });
});
