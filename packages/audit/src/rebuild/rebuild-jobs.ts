import { randomUUID } from 'node:crypto';
import type { RebuildCheckResult } from './rebuild-check';

export type RebuildJobStatus = 'running' | 'done' | 'failed';

/** One run of rebuild-check, asked for over HTTP and followed by its id. */
export interface RebuildJob {
  checkId: string;
  status: RebuildJobStatus;
  requestedAt: string;
  finishedAt: string | null;
  result: RebuildCheckResult | null;
  /** Why the check could not run at all (a projection that differs is a result, not this). */
  error: string | null;
}

export interface RebuildJobsOptions {
  /** Runs the check; stops early, at its next page, once `signal` aborts. */
  run: (signal: AbortSignal) => Promise<RebuildCheckResult>;
  clock: () => Date;
  /** How long close waits for a cancelled check to stop before giving up on it. */
  closeTimeoutMs?: number;
  /** Finished jobs kept for their callers to read, oldest forgotten first. */
  keep?: number;
  newId?: () => string;
}

const DEFAULT_KEEP = 32;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
const CANCELLED = 'cancelled: the node is closing';

/**
 * rebuild-check as a job: it copies every store and rebuilds every projection, which takes
 * as long as the logs are, so a request starts it and later requests read how it went. One
 * runs at a time — asked again while one runs, the running one is the answer, so a node is
 * never rebuilding twice at once. Jobs live in memory: a restart forgets them, and a check
 * changes nothing, so it is simply asked for again. Closing cancels the running check: a
 * node's shutdown does not wait for a whole rebuild.
 */
export class RebuildJobs {
  private readonly jobs = new Map<string, RebuildJob>();
  private running: { job: RebuildJob; done: Promise<void>; cancel: AbortController } | undefined;
  private closed = false;
  private readonly keep: number;
  private readonly newId: () => string;

  constructor(private readonly options: RebuildJobsOptions) {
    this.keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
    this.newId = options.newId ?? randomUUID;
  }

  /** Starts a check, or returns the one already running. */
  start(): { job: RebuildJob; started: boolean } {
    if (this.running) return { job: { ...this.running.job }, started: false };
    const job: RebuildJob = {
      checkId: this.newId(),
      status: 'running',
      requestedAt: this.options.clock().toISOString(),
      finishedAt: null,
      result: null,
      error: null,
    };
    this.jobs.set(job.checkId, job);
    this.forgetOldest();
    if (this.closed) {
      this.settle(job, 'failed', null, CANCELLED);
      return { job: { ...job }, started: false };
    }
    const cancel = new AbortController();
    const done = this.execute(job, cancel.signal).finally(() => {
      this.running = undefined;
    });
    this.running = { job, done, cancel };
    return { job: { ...job }, started: true };
  }

  get(checkId: string): RebuildJob | undefined {
    const job = this.jobs.get(checkId);
    return job ? { ...job } : undefined;
  }

  /** Resolves once no check is running (a node waits for it before closing its stores). */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  /**
   * Cancels the running check and waits for it to stop, at most closeTimeoutMs: a check that
   * has not stopped by then is recorded as failed and left to end on its own.
   */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.running;
    if (!running) return;
    running.cancel.abort(new Error(CANCELLED));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    });
    try {
      await Promise.race([running.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.settle(running.job, 'failed', null, CANCELLED);
  }

  private async execute(job: RebuildJob, signal: AbortSignal): Promise<void> {
    // Started on the next turn, so the request that asked for it is answered first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      signal.throwIfAborted();
      const result = await this.options.run(signal);
      this.settle(job, 'done', result, null);
    } catch (error) {
      const why = signal.aborted
        ? CANCELLED
        : error instanceof Error
          ? error.message
          : String(error);
      this.settle(job, 'failed', null, why);
    }
  }

  /** A job's end, recorded once: the first of its run and a close that gave up on it. */
  private settle(
    job: RebuildJob,
    status: Exclude<RebuildJobStatus, 'running'>,
    result: RebuildCheckResult | null,
    error: string | null,
  ): void {
    if (job.status !== 'running') return;
    Object.assign(job, { status, result, error, finishedAt: this.options.clock().toISOString() });
  }

  private forgetOldest(): void {
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.keep) return;
      if (job.status !== 'running') this.jobs.delete(id);
    }
  }
}
