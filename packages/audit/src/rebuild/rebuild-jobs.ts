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
  run: () => Promise<RebuildCheckResult>;
  clock: () => Date;
  /** Finished jobs kept for their callers to read, oldest forgotten first. */
  keep?: number;
  newId?: () => string;
}

const DEFAULT_KEEP = 32;

/**
 * rebuild-check as a job: it copies every store and rebuilds every projection, which takes
 * as long as the logs are, so a request starts it and later requests read how it went. One
 * runs at a time — asked again while one runs, the running one is the answer, so a node is
 * never rebuilding twice at once. Jobs live in memory: a restart forgets them, and a check
 * changes nothing, so it is simply asked for again.
 */
export class RebuildJobs {
  private readonly jobs = new Map<string, RebuildJob>();
  private running: { job: RebuildJob; done: Promise<void> } | undefined;
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
    const done = this.execute(job).finally(() => {
      this.running = undefined;
    });
    this.running = { job, done };
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

  private async execute(job: RebuildJob): Promise<void> {
    // Started on the next turn, so the request that asked for it is answered first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      job.result = await this.options.run();
      job.status = 'done';
    } catch (error) {
      job.error = error instanceof Error ? error.message : String(error);
      job.status = 'failed';
    }
    job.finishedAt = this.options.clock().toISOString();
  }

  private forgetOldest(): void {
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.keep) return;
      if (job.status !== 'running') this.jobs.delete(id);
    }
  }
}
