import Database from 'better-sqlite3';
import { createLogger, type ServiceDefinition, type ServiceInstance } from '@kopfed/service-kit';
import { NightlyCloseOfBusiness } from './nightly';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A service that records the dates it is asked to close, and can be made to fail. */
function recordingService(name: string, closed: string[], options: { failOn?: string[] } = {}) {
  const failOn = [...(options.failOn ?? [])];
  const instance: ServiceInstance = {
    definition: {} as ServiceDefinition,
    closeOfBusiness: async (businessDate) => {
      const failing = failOn.indexOf(businessDate);
      if (failing >= 0) {
        failOn.splice(failing, 1);
        throw new Error(`${name} could not close ${businessDate}`);
      }
      closed.push(`${name} ${businessDate}`);
    },
  };
  return { name, instance };
}

function nightly(
  services: { name: string; instance: ServiceInstance }[],
  database = new Database(':memory:'),
  retryDelaysMs = [MINUTE, 5 * MINUTE],
) {
  return new NightlyCloseOfBusiness({
    host: 'node',
    services,
    database,
    clock: () => new Date(),
    logger: createLogger({ level: 'silent' }),
    retryDelaysMs,
  });
}

/** Records that the host last closed `date`, as an earlier run of the node would have. */
function databaseClosedThrough(date: string): Database.Database {
  const database = new Database(':memory:');
  nightly([], database);
  database
    .prepare('INSERT INTO host_closed_business_dates (host, business_date) VALUES (?, ?)')
    .run('node', date);
  return database;
}

describe('the nightly close of business', () => {
  afterEach(() => jest.useRealTimers());

  it('on start, closes every date that ended while the node was down, in order, in every service', async () => {
    // 10:00 in Jakarta on 4 March; the node last closed 1 March.
    jest.useFakeTimers({ now: new Date('2026-03-04T03:00:00.000Z') });
    const closed: string[] = [];
    const runner = nightly(
      [recordingService('savings', closed), recordingService('loan', closed)],
      databaseClosedThrough('2026-03-01'),
    );
    runner.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(closed).toEqual([
      'savings 2026-03-02',
      'loan 2026-03-02',
      'savings 2026-03-03',
      'loan 2026-03-03',
    ]);
    expect(runner.lastClosed()).toBe('2026-03-03');

    // Then it waits for midnight, and closes 4 March a minute after it.
    await jest.advanceTimersByTimeAsync(14 * HOUR);
    expect(closed).toHaveLength(4);
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(closed.slice(4)).toEqual(['savings 2026-03-04', 'loan 2026-03-04']);
    await runner.stop();
  });

  it('a node that has never closed a date closes nothing on start, and begins with the date that ends next', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-04T03:00:00.000Z') });
    const closed: string[] = [];
    const runner = nightly([recordingService('savings', closed)]);
    runner.start();
    await jest.advanceTimersByTimeAsync(HOUR);
    expect(closed).toEqual([]);
    expect(runner.lastClosed()).toBeUndefined();
    await jest.advanceTimersByTimeAsync(13 * HOUR + MINUTE);
    expect(closed).toEqual(['savings 2026-03-04']);
    expect(runner.lastClosed()).toBe('2026-03-04');
    await runner.stop();
  });

  it('does not ask a service for a date it has already closed on its own', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-04T03:00:00.000Z') });
    const closed: string[] = [];
    const loan = recordingService('loan', closed);
    // An operator closed the loan book's 2 March while the nightly run had not.
    loan.instance.lastClosedBusinessDate = async () => '2026-03-02';
    const runner = nightly(
      [recordingService('savings', closed), loan],
      databaseClosedThrough('2026-03-01'),
    );
    runner.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(closed).toEqual(['savings 2026-03-02', 'savings 2026-03-03', 'loan 2026-03-03']);
    await runner.stop();
  });

  it('after a failed night, tries again later and closes the failed date before the ones after it', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-04T03:00:00.000Z') });
    const closed: string[] = [];
    const runner = nightly(
      [
        recordingService('savings', closed),
        recordingService('loan', closed, { failOn: ['2026-03-02', '2026-03-02'] }),
      ],
      databaseClosedThrough('2026-03-01'),
    );
    runner.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(closed).toEqual(['savings 2026-03-02']);
    expect(runner.lastClosed()).toBe('2026-03-01');

    // The first retry, a minute later, fails again; the second waits five minutes more.
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(runner.lastClosed()).toBe('2026-03-01');
    await jest.advanceTimersByTimeAsync(5 * MINUTE - 1);
    expect(runner.lastClosed()).toBe('2026-03-01');
    await jest.advanceTimersByTimeAsync(1);
    expect(closed).toEqual([
      'savings 2026-03-02',
      'savings 2026-03-02',
      'savings 2026-03-02',
      'loan 2026-03-02',
      'savings 2026-03-03',
      'loan 2026-03-03',
    ]);
    expect(runner.lastClosed()).toBe('2026-03-03');
    await runner.stop();
  });

  it('stopping during a catch-up finishes the date in progress and closes no more', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-10T03:00:00.000Z') });
    const closed: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: ServiceInstance = {
      definition: {} as ServiceDefinition,
      closeOfBusiness: async (businessDate) => {
        await held;
        closed.push(businessDate);
      },
    };
    const runner = nightly([{ name: 'slow', instance: slow }], databaseClosedThrough('2026-03-01'));
    runner.start();
    await jest.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(closed).toEqual(['2026-03-02']);
    expect(runner.lastClosed()).toBe('2026-03-02');
  });

  it('a first night that fails until past the next midnight is closed before the next date, not skipped', async () => {
    // 10:00 in Jakarta on 4 March; the node has never closed a date.
    jest.useFakeTimers({ now: new Date('2026-03-04T03:00:00.000Z') });
    const closed: string[] = [];
    // 4 March ends at 17:00 UTC; the loan book cannot close it until 00:30 on 6 March in
    // Jakarta (a bad loan, fixed then), a day and a half later.
    const fixedAt = Date.parse('2026-03-05T17:30:00.000Z');
    const loan: ServiceInstance = {
      definition: {} as ServiceDefinition,
      closeOfBusiness: async (businessDate) => {
        if (businessDate === '2026-03-04' && Date.now() < fixedAt)
          throw new Error('loan could not close 2026-03-04');
        closed.push(`loan ${businessDate}`);
      },
    };
    const runner = nightly([{ name: 'loan', instance: loan }], new Database(':memory:'), [
      MINUTE,
      60 * MINUTE,
    ]);
    runner.start();
    // Through the first night, its retries, and into 6 March.
    await jest.advanceTimersByTimeAsync(40 * HOUR);
    await runner.stop();
    // 4 March ended, failed, and must still be closed before 5 March.
    expect(closed).toEqual(['loan 2026-03-04', 'loan 2026-03-05']);
  });

  it('a node that never closed a date, whose loan book was closed by hand, closes the dates after the loan book’s', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-04T03:00:00.000Z') });
    const closed: string[] = [];
    let loanLast = '2026-03-01';
    const loan: ServiceInstance = {
      definition: {} as ServiceDefinition,
      closeOfBusiness: async (businessDate) => {
        if (businessDate < loanLast) throw new Error('close_of_business_out_of_order');
        loanLast = businessDate;
        closed.push(`loan ${businessDate}`);
      },
      lastClosedBusinessDate: async () => loanLast,
    };
    const runner = nightly([{ name: 'loan', instance: loan }]);
    runner.start();
    await jest.advanceTimersByTimeAsync(15 * HOUR);
    await runner.stop();
    // The loan book says it closed 1 March: 2 and 3 March ended and are closed on start.
    expect(closed).toEqual(['loan 2026-03-02', 'loan 2026-03-03', 'loan 2026-03-04']);
  });

  it('a date that ends while a run is still going is closed right after it, not a day later', async () => {
    // 23:30 in Jakarta on 4 March; the node last closed 2 March and catches up 3 March.
    jest.useFakeTimers({ now: new Date('2026-03-04T16:30:00.000Z') });
    const closed: string[] = [];
    const slow: ServiceInstance = {
      definition: {} as ServiceDefinition,
      closeOfBusiness: async (businessDate) => {
        // The catch-up takes 40 minutes: it ends at 00:10 on 5 March.
        await new Promise((resolve) => setTimeout(resolve, 40 * MINUTE));
        closed.push(`${businessDate} at ${new Date().toISOString()}`);
      },
    };
    const runner = nightly([{ name: 'slow', instance: slow }], databaseClosedThrough('2026-03-02'));
    runner.start();
    // Until 03:00 on 5 March in Jakarta.
    await jest.advanceTimersByTimeAsync(3.5 * HOUR);
    await runner.stop();
    expect(closed.map((c) => c.slice(0, 10))).toEqual(['2026-03-03', '2026-03-04']);
  });
});
