import type { Logger } from 'pino';

export interface PeriodicTaskOptions {
  name: string;
  intervalMs: number;
  /** Runs once at start as well, not only after the first interval. */
  runOnStart?: boolean;
  /** One run; `signal` aborts when the task stops, so a long run can end at a safe point. */
  run: (signal: AbortSignal) => Promise<unknown>;
  logger: Logger;
}

/**
 * Background work repeated every `intervalMs`, one run at a time: the next run is timed from
 * the end of the last, so a slow run delays it instead of overlapping it. Stopping starts no
 * further run and waits for the one in progress.
 */
export class PeriodicTask {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: PeriodicTaskOptions) {}

  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    if (this.options.runOnStart) this.tick();
    else this.schedule();
  }

  /** Starts no run after this; resolves when the run in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.abort.signal.aborted) return;
    const { name, run, logger } = this.options;
    this.current = Promise.resolve()
      .then(() => run(this.abort.signal))
      .then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error, task: name }, 'background run failed'),
      )
      .finally(() => {
        this.current = undefined;
        this.schedule();
      });
  }
}

/** Whether `work` settled within `timeoutMs` (it is not cancelled when it did not). */
export async function settledWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
