import type { RebuildCheckResult } from './rebuild-check';
import { RebuildJobs } from './rebuild-jobs';

const RESULT: RebuildCheckResult = { dataDir: '/d', identical: true, projections: [], absent: [] };

/** A check that finishes when the test says so. */
function controlled() {
  const runs: { resolve: (r: RebuildCheckResult) => void; reject: (e: Error) => void }[] = [];
  const signals: AbortSignal[] = [];
  const run = (signal: AbortSignal) => {
    signals.push(signal);
    return new Promise<RebuildCheckResult>((resolve, reject) => runs.push({ resolve, reject }));
  };
  let n = 0;
  const jobs = new RebuildJobs({
    run,
    clock: () => new Date('2027-03-15T03:00:00.000Z'),
    newId: () => `check-${++n}`,
    keep: 2,
    closeTimeoutMs: 200,
  });
  const started = async () => {
    for (let i = 0; i < 10 && runs.length === 0; i++) await new Promise(setImmediate);
  };
  return { jobs, runs, signals, started };
}

describe('rebuild-check jobs', () => {
  it('runs one check at a time: asked again while it runs, the running one is the answer', async () => {
    const { jobs, runs, started } = controlled();
    const first = jobs.start();
    const second = jobs.start();
    expect(first).toMatchObject({ started: true, job: { checkId: 'check-1', status: 'running' } });
    expect(second).toMatchObject({ started: false, job: { checkId: 'check-1' } });
    await started();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(RESULT);
    await jobs.idle();
    expect(jobs.get('check-1')).toMatchObject({ status: 'done', result: RESULT, error: null });
    expect(jobs.start().job.checkId).toBe('check-2');
  });

  it('reports a check that could not run as failed, with why', async () => {
    const { jobs, runs, started } = controlled();
    const { job } = jobs.start();
    await started();
    runs[0]!.reject(new Error('disk full'));
    await jobs.idle();
    expect(jobs.get(job.checkId)).toMatchObject({ status: 'failed', error: 'disk full' });
  });

  it('keeps a bounded number of finished checks, forgetting the oldest', async () => {
    const { jobs, runs } = controlled();
    for (let i = 0; i < 3; i++) {
      jobs.start();
      for (let t = 0; t < 10 && runs.length <= i; t++) await new Promise(setImmediate);
      runs[i]!.resolve(RESULT);
      await jobs.idle();
    }
    expect(jobs.get('check-1')).toBeUndefined();
    expect(jobs.get('check-2')?.status).toBe('done');
    expect(jobs.get('check-3')?.status).toBe('done');
  });

  it('closing cancels the running check through its signal and records it failed, not running', async () => {
    const { jobs, runs, signals, started } = controlled();
    const { job } = jobs.start();
    await started();
    signals[0]!.addEventListener('abort', () => runs[0]!.reject(signals[0]!.reason as Error));
    await jobs.close();
    expect(signals[0]!.aborted).toBe(true);
    expect(jobs.get(job.checkId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^cancelled: /),
      finishedAt: '2027-03-15T03:00:00.000Z',
    });
  });

  it('closing waits a bounded time for a check that does not stop, and records it failed', async () => {
    const { jobs, started } = controlled();
    const { job } = jobs.start();
    await started();
    const before = Date.now();
    await jobs.close();
    expect(Date.now() - before).toBeLessThan(2_000);
    expect(jobs.get(job.checkId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^cancelled: /),
    });
  });

  it('starts no check once closed', async () => {
    const { jobs, runs } = controlled();
    await jobs.close();
    const { job, started } = jobs.start();
    expect(started).toBe(false);
    expect(job).toMatchObject({ status: 'failed', error: expect.stringMatching(/closing/) });
    for (let i = 0; i < 5; i++) await new Promise(setImmediate);
    expect(runs).toHaveLength(0);
  });
});
