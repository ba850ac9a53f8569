import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { WrongExpectedRevisionError, type EventStore } from '@kopfed/eventstore';
import type { KitResponse } from '../http/respond';
import { HttpProblem } from '../problem/problem';
import { sha256Hex } from './fingerprint';
import {
  judge,
  type IdempotencyEvent,
  type KeyRequest,
  type KeyTimings,
  type StoredResponse,
} from './idempotency-record';
import {
  eventStreamRecords,
  KEY_STREAM_PREFIX,
  type KeyRecords,
  type KeyVersion,
} from './key-records';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface IdempotencyOptions {
  /** The service's own event store. */
  store: EventStore;
  /**
   * Where the keys' records are kept, given the store: by default as events in its streams
   * `idempotency-<hash>` (eventStreamRecords); the embedded node keeps them in a table of the
   * store's file (sqliteKeyRecords).
   */
  keyRecords?: (store: EventStore) => KeyRecords;
  retentionMs?: number;
  abandonAfterMs?: number;
  /** How long a concurrent duplicate waits for the first request before a 409. */
  waitMs?: number;
  /** How often a waiting duplicate re-reads a key claimed by another process. */
  pollMs?: number;
  clock?: () => Date;
  logger?: Logger;
  /**
   * Only this process writes the store (the embedded node on its SQLite files): a claim left
   * by an earlier run, killed before it recorded the response, is taken over at once instead
   * of after `abandonAfterMs`. The commands' own idempotency (ids derived from the key) makes
   * the rerun harmless.
   */
  soleWriter?: boolean;
}

/** The outcome of running the request: its response, and whether the key should keep it. */
export interface Execution {
  /** What is sent now, and what the key keeps unless `stored` says otherwise. */
  response: KitResponse;
  /** What the key keeps when it differs from what was sent (a secret shown once). */
  stored?: StoredResponse;
  record: boolean;
}

const DEFAULTS = { retentionMs: 30 * DAY_MS, abandonAfterMs: 60_000, waitMs: 10_000, pollMs: 25 };

/** The keys being run in this process, per store. */
const RUNNING = new WeakMap<EventStore, Map<string, Promise<void>>>();

/**
 * Runs a state-changing request at most once per (scope, Idempotency-Key):
 * - the first request claims the key (an append with the expected revision, so exactly one
 *   claimant wins, in this process or any other sharing the store), runs, and records its
 *   response;
 * - a retry with the same fingerprint, from the same caller, gets the recorded response back;
 * - a request with another fingerprint, or from another caller in the scope, is refused
 *   (409 idempotency-key-reused);
 * - a duplicate that arrives while the first runs waits for it, at most `waitMs`.
 */
export class IdempotencyGuard {
  private readonly timings: KeyTimings;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly clock: () => Date;
  /** This guard's run: claims carry it, so a later run can tell its own claims from a dead one's. */
  private readonly owner = uuidv7();
  /**
   * Keys this process is running, from their read to their outcome: local duplicates wait on
   * them. Shared by every guard over the same store (the node mounts two services on one), so
   * a sole writer's duplicate sent to the other service waits too.
   */
  private readonly running: Map<string, Promise<void>>;
  private readonly records: KeyRecords;

  constructor(private readonly options: IdempotencyOptions) {
    this.records = (options.keyRecords ?? eventStreamRecords)(options.store);
    this.timings = {
      retentionMs: options.retentionMs ?? DEFAULTS.retentionMs,
      abandonAfterMs: options.abandonAfterMs ?? DEFAULTS.abandonAfterMs,
      ...(options.soleWriter ? { soleWriter: this.owner } : {}),
    };
    this.waitMs = options.waitMs ?? DEFAULTS.waitMs;
    this.pollMs = options.pollMs ?? DEFAULTS.pollMs;
    this.clock = options.clock ?? (() => new Date());
    this.running = RUNNING.get(options.store) ?? new Map<string, Promise<void>>();
    RUNNING.set(options.store, this.running);
  }

  async run(
    scope: string,
    key: string,
    request: KeyRequest,
    execute: () => Promise<Execution>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    const stream = `${KEY_STREAM_PREFIX}${sha256Hex(`${scope}\n${key}`)}`;
    const deadlineMs = Date.now() + this.waitMs;
    const maxRounds = Math.ceil(this.waitMs / this.pollMs) + 4;
    for (let round = 0; round < maxRounds; round++) {
      const local = this.running.get(stream);
      if (local) {
        if (Date.now() >= deadlineMs) throw inProgress();
        await raceTimeout(local, deadlineMs - Date.now());
        continue;
      }
      // From its read of the key to its outcome, this request holds the key in this process:
      // a local duplicate waits above instead of reading a stream that is about to move.
      const release = this.hold(stream);
      try {
        const loaded = await this.records.load(stream);
        const verdict = judge(loaded.state, request, this.clock().getTime(), this.timings);
        switch (verdict.kind) {
          case 'replay':
            return { response: verdict.response, replayed: true };
          case 'reused':
            throw new HttpProblem(
              'idempotency-key-reused',
              'This Idempotency-Key was already used with another method, path or body; nothing was changed.',
            );
          case 'foreign':
            throw new HttpProblem(
              'idempotency-key-reused',
              'This Idempotency-Key was already used by another credential of this coop; nothing was changed. Choose a key of your own.',
            );
          case 'wait':
            if (Date.now() >= deadlineMs) throw inProgress();
            break;
          case 'claim': {
            if (this.timings.soleWriter !== undefined) {
              const response = await this.runAlone(stream, loaded, request, execute);
              return { response, replayed: false };
            }
            const claimed = await this.claim(stream, loaded, request);
            if (claimed === undefined) continue;
            return { response: await this.execute(stream, claimed, execute), replayed: false };
          }
        }
      } finally {
        release();
      }
      // Claimed by another process: only reading the stream again shows its outcome.
      await sleep(Math.min(deadlineMs - Date.now(), this.pollMs));
    }
    throw inProgress();
  }

  /** Marks the key as being run by this process; the function returned ends that. */
  private hold(stream: string): () => void {
    let finished!: () => void;
    this.running.set(stream, new Promise<void>((resolve) => (finished = resolve)));
    return () => {
      this.running.delete(stream);
      finished();
    };
  }

  /** Records the claim; the key's version with it, or undefined when another claimant won. */
  private async claim(
    stream: string,
    loaded: KeyVersion,
    request: KeyRequest,
  ): Promise<KeyVersion | undefined> {
    try {
      return await this.records.append(stream, loaded, [
        { type: 'IdempotencyKeyClaimed', data: this.claimOf(request, this.now()) },
      ]);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return undefined;
      throw error;
    }
  }

  private async execute(
    stream: string,
    claimed: KeyVersion,
    execute: () => Promise<Execution>,
  ): Promise<StoredResponse> {
    const outcome = await execute().catch(async (error: unknown) => {
      await this.settle(stream, claimed, {
        type: 'IdempotencyKeyReleased',
        data: { releasedAt: this.now() },
      });
      throw error;
    });
    await this.settle(
      stream,
      claimed,
      outcome.record
        ? {
            type: 'IdempotentResponseRecorded',
            data: { response: outcome.stored ?? outcome.response, recordedAt: this.now() },
          }
        : { type: 'IdempotencyKeyReleased', data: { releasedAt: this.now() } },
    );
    return outcome.response;
  }

  /**
   * The store's only writer needs no claim in the store while the handler runs: its own
   * duplicates wait on `running`, which the caller holds from its read of the key, and no
   * other process writes. The claim and the response are appended together once the handler
   * has answered — one commit instead of two, and none when the key is not to be kept.
   */
  private async runAlone(
    stream: string,
    loaded: KeyVersion,
    request: KeyRequest,
    execute: () => Promise<Execution>,
  ): Promise<StoredResponse> {
    const claimedAt = this.now();
    const outcome = await execute();
    if (outcome.record) {
      await this.settle(
        stream,
        loaded,
        { type: 'IdempotencyKeyClaimed', data: this.claimOf(request, claimedAt) },
        {
          type: 'IdempotentResponseRecorded',
          data: { response: outcome.stored ?? outcome.response, recordedAt: this.now() },
        },
      );
    }
    return outcome.response;
  }

  /**
   * Records the outcome. The request's own effect is already durable, so a failure here is
   * logged, not sent: the key stays claimed until `abandonAfterMs`, and a retry after that runs
   * again (client-chosen ids in the command are what make such a rerun harmless).
   */
  private async settle(
    stream: string,
    after: KeyVersion,
    ...events: IdempotencyEvent[]
  ): Promise<void> {
    try {
      await this.records.append(stream, after, events);
    } catch (error) {
      this.options.logger?.warn({ err: error, stream }, 'could not record the idempotency outcome');
    }
  }

  private claimOf(request: KeyRequest, claimedAt: string) {
    const { fingerprint, caller } = request;
    return {
      fingerprint,
      claimedAt,
      owner: this.owner,
      caller: { keyId: caller.keyId, role: caller.role },
    };
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

function inProgress(): HttpProblem {
  return new HttpProblem(
    'idempotency-key-in-progress',
    'The first request with this Idempotency-Key has not finished; retry shortly.',
    { headers: { 'Retry-After': '1' } },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Waits for `promise` or `ms`, whichever comes first, leaving no timer behind. */
async function raceTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
