import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { ServiceInstance } from '@kopfed/service-kit';
import {
  businessDateJustEnded,
  businessDatesBetween,
  dayBefore,
  msUntilJakartaMidnight,
} from './business-clock';

/** After a failed night, tries again after these delays (the last one repeats). */
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
/** A minute past midnight, so that the date that just ended is unambiguous. */
const PAST_MIDNIGHT_MS = 60_000;

export interface NightlyOptions {
  /** Names this host's record of the dates it closed, e.g. `node` or `savings`. */
  host: string;
  services: readonly { name: string; instance: ServiceInstance }[];
  database: Database.Database;
  clock: () => Date;
  logger: Logger;
  retryDelaysMs?: readonly number[];
}

/**
 * The nightly close of business. Every date that has ended is closed, in order, in every
 * service: a night the node was down for, or a night whose run failed, is closed on start-up
 * or on the next try before the dates after it, and a date that ends during a long run is
 * closed straight after it. The host records the last date it closed in every service. Before
 * it has one, it starts after the latest date a service says it closed by hand (the demo
 * closes the loan book's), or else with the first date that ends while it runs. A date a
 * service has already closed on its own is left to it.
 */
export class NightlyCloseOfBusiness {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  /** Before anything is recorded: the date after which the first night began closing. */
  private firstNightAfter: string | undefined;
  private readonly read;
  private readonly write;

  constructor(private readonly options: NightlyOptions) {
    options.database.exec(
      `CREATE TABLE IF NOT EXISTS host_closed_business_dates (
         host TEXT PRIMARY KEY,
         business_date TEXT NOT NULL
       ) STRICT`,
    );
    this.read = options.database.prepare<[string], { business_date: string }>(
      'SELECT business_date FROM host_closed_business_dates WHERE host = ?',
    );
    this.write = options.database.prepare<[string, string]>(
      `INSERT INTO host_closed_business_dates (host, business_date) VALUES (?, ?)
         ON CONFLICT (host) DO UPDATE SET business_date = excluded.business_date`,
    );
  }

  /** Closes the dates missed while the node was down, then waits for each midnight. */
  start(): void {
    this.run(true);
  }

  /** The last date this host closed in every service, if it ever did. */
  lastClosed(): string | undefined {
    return this.read.get(this.options.host)?.business_date;
  }

  /** Stops waiting, and waits for a run in progress to finish the date it is on. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private run(atStart = false): void {
    const run = this.closeThrough(businessDateJustEnded(this.options.clock()), atStart).then(
      () => {
        this.failures = 0;
        const last = this.lastClosed();
        // A date that ended while this run went on is closed now, not a night late.
        const behind = last !== undefined && businessDateJustEnded(this.options.clock()) > last;
        this.wait(behind ? 0 : this.untilNextNight());
      },
      (error: unknown) => {
        const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
        const delay = delays[Math.min(this.failures, delays.length - 1)]!;
        this.failures++;
        this.options.logger.error(
          { err: error, retryInMs: delay },
          'close of business failed; trying again',
        );
        this.wait(Math.min(delay, this.untilNextNight()));
      },
    );
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = undefined;
    });
  }

  private async closeThrough(through: string, atStart: boolean): Promise<void> {
    const after = this.lastClosed() ?? (await this.closedByHand()) ?? this.firstNightAfter;
    // A node that has closed nothing yet waits for the first date to end while it runs.
    if (after === undefined && atStart) return;
    this.firstNightAfter ??= after ?? dayBefore(through);
    const dates = businessDatesBetween(after ?? this.firstNightAfter, through);
    for (const businessDate of dates) {
      if (this.stopped) return;
      const results: Record<string, unknown> = {};
      for (const { name, instance } of this.options.services) {
        if (!instance.closeOfBusiness) continue;
        const own = await instance.lastClosedBusinessDate?.();
        if (own !== undefined && own >= businessDate) continue;
        results[name] = await instance.closeOfBusiness(businessDate);
      }
      this.write.run(this.options.host, businessDate);
      this.options.logger.info(
        { businessDate, results, ...(dates.length > 1 ? { catchingUp: dates.length } : {}) },
        'close of business done',
      );
    }
  }

  /** The latest date any service says it has closed itself, if one does. */
  private async closedByHand(): Promise<string | undefined> {
    let latest: string | undefined;
    for (const { instance } of this.options.services) {
      const own = await instance.lastClosedBusinessDate?.();
      if (own !== undefined && (latest === undefined || own > latest)) latest = own;
    }
    return latest;
  }

  private untilNextNight(): number {
    return msUntilJakartaMidnight(this.options.clock()) + PAST_MIDNIGHT_MS;
  }

  private wait(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), delay);
    this.timer.unref();
  }
}
