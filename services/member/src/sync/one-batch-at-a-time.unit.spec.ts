import type { EventStore } from '@kopfed/eventstore';
import { BATCH_LEASE_TTL_MS, oneBatchAtATime, type BatchLease } from './one-batch-at-a-time';

/** A store whose lease answers are the test's: each acquire takes the next answer given. */
function leaseStore(answers: Array<boolean | Error>) {
  const acquire = jest.fn(async () => {
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const release = jest.fn(async () => undefined);
  return { store: { leases: { acquire, release } } as unknown as EventStore, acquire };
}

/** Runs a batch that lets `passMs` go by, then confirms its lease. */
async function confirmAfter(store: EventStore, passMs: number, warn = jest.fn()) {
  const run = oneBatchAtATime(
    store,
    'coop-a',
    async (lease: BatchLease) => {
      await new Promise((resolve) => setTimeout(resolve, passMs));
      await lease.confirm();
      return 'recorded';
    },
    { warn },
  );
  const settled = run.then(
    (value) => ({ value }),
    (error: { code?: string }) => ({ code: error.code }),
  );
  await jest.advanceTimersByTimeAsync(passMs + 1);
  return settled;
}

describe('the batch lease’s fence', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets a batch whose lease was renewed all along record', async () => {
    const { store, acquire } = leaseStore([true]);
    expect(await confirmAfter(store, 2 * BATCH_LEASE_TTL_MS)).toEqual({ value: 'recorded' });
    // Taken, renewed every third of the TTL, and confirmed.
    expect(acquire.mock.calls.length).toBeGreaterThanOrEqual(1 + 5 + 1);
  });

  it('stops a batch that found another owner at a renewal, though the lease is free again', async () => {
    const { store } = leaseStore([true, false, true]);
    const warn = jest.fn();
    expect(await confirmAfter(store, BATCH_LEASE_TTL_MS / 2, warn)).toEqual({
      code: 'member_batch_in_progress',
    });
    expect(warn).toHaveBeenCalledWith({ coopId: 'coop-a' }, expect.stringContaining('lost'));
  });

  it('stops a batch whose renewals failed until its TTL ran out, and says so', async () => {
    const failing = new Error('disk I/O error');
    // Taken; the renewals at a third and two thirds of the TTL fail; the one at the TTL is late.
    const { store } = leaseStore([true, failing, failing, true]);
    const warn = jest.fn();
    expect(await confirmAfter(store, BATCH_LEASE_TTL_MS + 1, warn)).toEqual({
      code: 'member_batch_in_progress',
    });
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ coopId: 'coop-a' }),
      expect.stringContaining('could not renew'),
    );
  });

  it('lets a batch whose one renewal failed record while the lease is still within its TTL', async () => {
    const { store } = leaseStore([true, new Error('busy'), true]);
    expect(await confirmAfter(store, BATCH_LEASE_TTL_MS / 2)).toEqual({ value: 'recorded' });
  });
});
