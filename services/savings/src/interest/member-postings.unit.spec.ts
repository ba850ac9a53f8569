import { HttpProblem } from '@kopfed/service-kit';
import { MemberPostings, type SharedStore } from './member-postings';

/**
 * What a node remembers of closes, for close of business to read a member again that closed
 * after it read the accounts read model: only closes while one is under way, and only while it
 * (or another that began before them) is.
 */
const close = (postings: MemberPostings, memberId: string) =>
  postings.closing('ksp-a', memberId, async () => undefined);

describe('the closes a node remembers for close of business', () => {
  it('stay bounded in a long-running node: a close while no close of business runs is not kept', async () => {
    const postings = new MemberPostings();
    for (let i = 0; i < 10_000; i++) await close(postings, `m-${i}`);
    expect(postings.remembered).toBe(0);
  });

  it('are seen by the close of business under way, and forgotten once it is over', async () => {
    const postings = new MemberPostings();
    await close(postings, 'm-before');
    const watch = await postings.watch();
    await close(postings, 'm-during');
    expect(await watch.closedSince('ksp-a', 'm-during')).toBe(true);
    // Closed before close of business read the read model: the read model has it.
    expect(await watch.closedSince('ksp-a', 'm-before')).toBe(false);
    expect(await watch.closedSince('ksp-a', 'm-never')).toBe(false);
    watch.stop();
    expect(postings.remembered).toBe(0);
  });

  it('a close failing is remembered as a close (it may have written before it failed)', async () => {
    const postings = new MemberPostings();
    const watch = await postings.watch();
    await expect(
      postings.closing('ksp-a', 'm-failed', () => Promise.reject(new Error('refused'))),
    ).rejects.toThrow('refused');
    expect(await watch.closedSince('ksp-a', 'm-failed')).toBe(true);
    watch.stop();
  });

  it('are kept for a close of business still under way when an earlier one ends, and only those', async () => {
    const postings = new MemberPostings();
    const first = await postings.watch();
    await close(postings, 'm-1');
    const second = await postings.watch();
    await close(postings, 'm-2');
    first.stop();
    // m-1 closed before the second began: nothing under way needs it any more.
    expect(postings.remembered).toBe(1);
    expect(await second.closedSince('ksp-a', 'm-1')).toBe(false);
    expect(await second.closedSince('ksp-a', 'm-2')).toBe(true);
    second.stop();
    expect(postings.remembered).toBe(0);
  });
});

/** A store other instances share, in memory; `failing` makes the named call throw. */
function sharedStore() {
  const checkpoints = new Map<string, number>();
  const leases = new Map<string, string>();
  const failing = new Set<'headPosition' | 'acquire'>();
  let head = 10;
  const store: SharedStore = {
    headPosition: async () => {
      if (failing.has('headPosition')) throw new Error('deadline exceeded');
      return head;
    },
    checkpoints: {
      get: async (name) => checkpoints.get(name),
      compareAndSet: async (name, expected, next) => {
        if (checkpoints.get(name) !== expected) return false;
        checkpoints.set(name, next);
        return true;
      },
    },
    leases: {
      acquire: async (name, owner) => {
        if (failing.has('acquire')) throw new Error('connection refused');
        if ((leases.get(name) ?? owner) !== owner) return false;
        leases.set(name, owner);
        return true;
      },
      release: async (name, owner) => {
        if (leases.get(name) === owner) leases.delete(name);
      },
    },
  };
  return { store, failing, leases, append: () => void head++ };
}

describe('a member’s turn with a store other instances share', () => {
  it('records where a close ended, for close of business on any instance', async () => {
    const shared = sharedStore();
    const here = new MemberPostings(shared.store);
    const elsewhere = new MemberPostings(shared.store);
    const watch = await elsewhere.watch();
    await here.closing('ksp-a', 'm-1', async () => shared.append());
    expect(await watch.closedSince('ksp-a', 'm-1')).toBe(true);
    expect(await watch.closedSince('ksp-a', 'm-2')).toBe(false);
    watch.stop();
    const later = await elsewhere.watch();
    expect(await later.closedSince('ksp-a', 'm-1')).toBe(false);
    later.stop();
    expect(shared.leases.size).toBe(0);
  });

  it('a close that could not record where it ended makes every later close of business read the member again', async () => {
    const shared = sharedStore();
    const here = new MemberPostings(shared.store);
    await here.closing('ksp-a', 'm-1', async () => {
      shared.append();
      shared.failing.add('headPosition');
    });
    shared.failing.delete('headPosition');
    const watch = await new MemberPostings(shared.store).watch();
    expect(await watch.closedSince('ksp-a', 'm-1')).toBe(true);
    watch.stop();
  });

  it('a store that cannot give the member’s turn answers 503 with Retry-After, and the close does not run', async () => {
    const shared = sharedStore();
    shared.failing.add('acquire');
    const work = jest.fn(async () => undefined);
    const refused = await new MemberPostings(shared.store)
      .closing('ksp-a', 'm-1', work)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpProblem);
    expect((refused as HttpProblem).status).toBe(503);
    expect((refused as HttpProblem).options.headers).toEqual({ 'Retry-After': '2' });
    expect(work).not.toHaveBeenCalled();
  });
});
