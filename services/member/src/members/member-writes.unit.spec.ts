import { DomainError } from '@kopfed/domain';
import { memberTurn, MemberWrites, personTurn } from './member-writes';

/** A write that runs until `finish` is called, recording when it started and ended. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish,
    work: async () => {
      log.push(`${name} started`);
      await finished;
      log.push(`${name} done`);
      return name;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('writes one at a time per member', () => {
  afterEach(() => jest.useRealTimers());

  it('runs the writes of one member in the order they came, and of others at once', async () => {
    const writes = new MemberWrites();
    const log: string[] = [];
    const [first, second, other] = [gate(log, 'a1'), gate(log, 'a2'), gate(log, 'b1')];
    const running = [
      writes.alone(['a'], first.work),
      writes.alone(['a'], second.work),
      writes.alone(['b'], other.work),
    ];
    await settle();
    expect(log).toEqual(['a1 started', 'b1 started']);
    second.finish();
    other.finish();
    await settle();
    expect(log).toEqual(['a1 started', 'b1 started', 'b1 done']);
    first.finish();
    expect(await Promise.all(running)).toEqual(['a1', 'a2', 'b1']);
    expect(log).toEqual([
      'a1 started',
      'b1 started',
      'b1 done',
      'a1 done',
      'a2 started',
      'a2 done',
    ]);
  });

  it('runs a write of several members once each is free, and a failed write frees them', async () => {
    const writes = new MemberWrites();
    const log: string[] = [];
    const [ofA, ofB] = [gate(log, 'a'), gate(log, 'b')];
    const a = writes.alone(['a'], ofA.work);
    const b = writes.alone(['b'], ofB.work);
    const both = writes.alone(['b', 'a'], async () => {
      log.push('ab');
      throw new Error('refused');
    });
    const afterwards = writes.alone(['a'], async () => log.push('a again'));
    ofA.finish();
    await a;
    await settle();
    expect(log).toEqual(['a started', 'b started', 'a done']);
    ofB.finish();
    await b;
    await expect(both).rejects.toThrow('refused');
    await afterwards;
    expect(log).toEqual(['a started', 'b started', 'a done', 'b done', 'ab', 'a again']);
  });

  it('orders the writes of two memberships of one person on the person’s turn', async () => {
    const writes = new MemberWrites();
    const log: string[] = [];
    const [moving, erasing, other] = [gate(log, 'move'), gate(log, 'erase'), gate(log, 'b')];
    const running = [
      writes.alone([memberTurn('new'), personTurn('p')], moving.work),
      writes.alone([personTurn('p')], erasing.work),
      writes.alone([memberTurn('b'), personTurn('q')], other.work),
    ];
    await settle();
    expect(log).toEqual(['move started', 'b started']);
    erasing.finish();
    other.finish();
    moving.finish();
    await Promise.all(running);
    expect(log).toEqual([
      'move started',
      'b started',
      'b done',
      'move done',
      'erase started',
      'erase done',
    ]);
  });

  it('tells a write held up too long to come again, and keeps the next one waiting', async () => {
    jest.useFakeTimers();
    const writes = new MemberWrites();
    const log: string[] = [];
    const stuck = gate(log, 'stuck');
    const running = writes.alone(['a'], stuck.work);
    const refused = writes.alone(['a'], async () => log.push('never')).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(10_001);
    const error = (await refused) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('member_busy');
    expect(error.details).toEqual({ retryAfterSeconds: 1 });
    expect(log).toEqual(['stuck started']);
    jest.useRealTimers();
    const next = writes.alone(['a'], async () => log.push('next'));
    await settle();
    expect(log).toEqual(['stuck started']);
    stuck.finish();
    await Promise.all([running, next]);
    expect(log).toEqual(['stuck started', 'stuck done', 'next']);
  });
});
