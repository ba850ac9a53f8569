import { createLogger } from '@kopfed/service-kit';
import { PeriodicTask, settledWithin } from './periodic-task';

const logger = createLogger({ level: 'silent' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a periodic background task', () => {
  it('never overlaps a slow run with the next', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const task = new PeriodicTask({
      name: 'slow',
      intervalMs: 1,
      runOnStart: true,
      logger,
      run: async () => {
        runs++;
        most = Math.max(most, ++running);
        await pause(20);
        running--;
      },
    });
    task.start();
    // Waits for a third run rather than a fixed time: a loaded machine may hold the timer.
    for (const deadline = Date.now() + 5_000; runs < 3 && Date.now() < deadline;) await pause(5);
    await task.stop();
    expect(runs).toBeGreaterThan(1);
    expect(most).toBe(1);
  });

  it('stops: aborts the run in progress, waits for it, and starts no other', async () => {
    let runs = 0;
    let sawAbort = false;
    let release!: () => void;
    const task = new PeriodicTask({
      name: 'held',
      intervalMs: 1,
      runOnStart: true,
      logger,
      run: async (signal) => {
        runs++;
        await new Promise<void>((resolve) => (release = resolve));
        sawAbort = signal.aborted;
      },
    });
    task.start();
    await pause(5);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await pause(20);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await pause(20);
    expect([runs, sawAbort]).toEqual([1, true]);
  });

  it('keeps running after a failed run', async () => {
    let runs = 0;
    const task = new PeriodicTask({
      name: 'failing',
      intervalMs: 1,
      logger,
      run: async () => {
        runs++;
        throw new Error('store unavailable');
      },
    });
    task.start();
    // Waits for the second run rather than a fixed time: a loaded machine may hold the timer.
    for (const deadline = Date.now() + 5_000; runs < 2 && Date.now() < deadline;) await pause(5);
    await task.stop();
    expect(runs).toBeGreaterThan(1);
  });
});

describe('waiting at most so long', () => {
  it('says whether the work settled in time, failed or not', async () => {
    expect(await settledWithin(pause(1), 1_000)).toBe(true);
    expect(await settledWithin(Promise.reject(new Error('failed')), 1_000)).toBe(true);
    expect(await settledWithin(new Promise(() => undefined), 20)).toBe(false);
  });
});
