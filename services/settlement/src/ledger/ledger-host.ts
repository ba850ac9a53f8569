import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@kopfed/domain';
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
} from '@kopfed/eventstore';
import {
  decodeLedgerEvent,
  encodeLedgerEvent,
  journalOf,
  ledgerDecider,
  storedEventsDecider,
  type JournalEntry,
  type LedgerCommand,
  type LedgerState,
  type StoredLedgerEvent,
} from '@kopfed/ledger';
import { KeyedLock } from '../shared/keyed-lock';
import { readWholeStream } from '../shared/read-stream';

export const ledgerStream = (coopId: string): string => `ledger-${coopId}`;
const decider = storedEventsDecider(ledgerDecider);
const MAX_ATTEMPTS = 3;
/** Callers' commands decided together and appended in one call, at most. */
const MAX_JOBS_PER_APPEND = 256;

interface Cached {
  state: LedgerState;
  revision: number | undefined;
}

/** A command of a batch that the ledger refused; the rest of the batch went on. */
export interface Refused<C> {
  command: C;
  error: DomainError;
}

/** What one `execute` decided and appended, and the ledger's state after its commands. */
export interface Executed<C> {
  state: LedgerState;
  events: StoredLedgerEvent[];
  refused: Refused<C>[];
  revision: number | undefined;
}

/** One caller's `execute`, waiting for the coop's ledger. */
interface Job {
  commands: (state: LedgerState) => readonly LedgerCommand[];
  metadata: EventMetadata;
  isolate: boolean;
  resolve: (executed: Executed<LedgerCommand>) => void;
  reject: (error: unknown) => void;
}

type Decided = Omit<Executed<LedgerCommand>, 'revision'> | { error: unknown };

/**
 * Decides one caller's commands in order against `start` (each seeing the ones before). With
 * `isolate`, a refused command is reported and skipped; without, the first refusal fails the
 * caller, and none of its commands count.
 */
function decideJob(job: Job, start: LedgerState): Decided {
  let state = start;
  const events: StoredLedgerEvent[] = [];
  const refused: Refused<LedgerCommand>[] = [];
  try {
    for (const command of job.commands(start)) {
      try {
        const decided = ledgerDecider.decide(command, state);
        state = decided.reduce(ledgerDecider.evolve, state);
        for (const event of decided) events.push(encodeLedgerEvent(event));
      } catch (error) {
        if (!job.isolate || !(error instanceof DomainError)) throw error;
        refused.push({ command, error });
      }
    }
  } catch (error) {
    return { error };
  }
  return { state, events, refused };
}

/**
 * Every coop's ledger, one stream per coop (`ledger-<coopId>`), hosted by the settlement
 * service for the federation. The state of each ledger is kept in memory with its revision,
 * so a posting reads nothing; a write that loses a race (another writer) reloads and retries.
 *
 * A coop's ledger takes one write at a time, and a write waits for its append to be durable.
 * Callers that arrive meanwhile (a busy coop's money events, posted one by one as the bus
 * delivers them) are decided together when the ledger is free, each seeing the ones before,
 * and appended in one call: one commit for all of them instead of one each.
 */
export class LedgerHost {
  private readonly cache = new Map<string, Cached>();
  private readonly lock = new KeyedLock();
  private readonly waiting = new Map<string, Job[]>();

  constructor(private readonly store: EventStore) {}

  private async load(coopId: string): Promise<Cached> {
    const cached = this.cache.get(coopId);
    if (cached) return cached;
    const recorded = await readWholeStream(this.store, ledgerStream(coopId));
    let state = decider.initialState();
    for (const event of recorded)
      state = decider.evolve(state, event as unknown as StoredLedgerEvent);
    const loaded = { state, revision: recorded.at(-1)?.revision };
    this.cache.set(coopId, loaded);
    return loaded;
  }

  async state(coopId: string): Promise<LedgerState> {
    return this.lock.run([coopId], async () => (await this.load(coopId)).state);
  }

  /**
   * Decides `commands` in order against the ledger (each seeing the ones before) and appends
   * what they decided at once. With `isolate`, a refused command is reported and skipped;
   * without, the first refusal throws and nothing of this call is written. The state evolves
   * with the decided events themselves: only what is stored is encoded (encoding round-trips).
   * Calls waiting for the same coop are appended together (see the class), each with its own
   * metadata, in the order they were made; each gets back its own events and refusals.
   */
  execute<C extends LedgerCommand>(
    coopId: string,
    commands: (state: LedgerState) => readonly C[],
    metadata: EventMetadata,
    isolate = false,
  ): Promise<Executed<C>> {
    const done = new Promise<Executed<C>>((resolve, reject) => {
      const job: Job = {
        commands,
        metadata,
        isolate,
        resolve: resolve as (executed: Executed<LedgerCommand>) => void,
        reject,
      };
      const jobs = this.waiting.get(coopId);
      if (jobs) jobs.push(job);
      else this.waiting.set(coopId, [job]);
    });
    // Every call queues a turn of its own; the first turn to come takes every waiting call.
    void this.lock.run([coopId], () => this.runWaiting(coopId));
    return done;
  }

  /** Settles every call it takes; never throws. */
  private async runWaiting(coopId: string): Promise<void> {
    const waiting = this.waiting.get(coopId);
    if (!waiting) return;
    const jobs = waiting.splice(0, MAX_JOBS_PER_APPEND);
    if (waiting.length === 0) this.waiting.delete(coopId);
    try {
      await this.appendJobs(coopId, jobs);
    } catch (error) {
      if (jobs.length === 1) jobs[0]!.reject(error);
      // Not a lost race (that is retried): one call's events may be what the store refused,
      // so each call is tried alone and fails on its own.
      else for (const job of jobs) await this.appendJobs(coopId, [job]).catch(job.reject);
    }
  }

  /** Decides `jobs` in turn and appends their events in one call; settles each decided job. */
  private async appendJobs(coopId: string, jobs: readonly Job[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { state: start, revision } = await this.load(coopId);
      let state = start;
      const decided: Decided[] = [];
      const events: NewEvent[] = [];
      for (const job of jobs) {
        const outcome = decideJob(job, state);
        decided.push(outcome);
        if ('error' in outcome) continue;
        state = outcome.state;
        for (const event of outcome.events)
          events.push({
            id: uuidv7(),
            type: event.type,
            schemaVersion: 1,
            data: event.data,
            metadata: job.metadata,
          });
      }
      let next = revision;
      if (events.length > 0) {
        try {
          const result = await this.store.append(ledgerStream(coopId), events, {
            expectedRevision: revision ?? 'no_stream',
          });
          next = result.nextExpectedRevision;
          this.cache.set(coopId, { state, revision: next });
        } catch (error) {
          this.cache.delete(coopId);
          if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS)
            throw error;
          continue;
        }
      }
      jobs.forEach((job, index) => {
        const outcome = decided[index]!;
        if ('error' in outcome) job.reject(outcome.error);
        else job.resolve({ ...outcome, revision: next });
      });
      return;
    }
  }

  /** The ledger's journal, in order: what the books are computed from. */
  async journal(coopId: string): Promise<JournalEntry[]> {
    const recorded = await readWholeStream(this.store, ledgerStream(coopId));
    return journalOf(recorded.map((e) => decodeLedgerEvent(e as unknown as StoredLedgerEvent)));
  }

  /** The entry that reversed `entryId`, with the reason it was asked for; none if not reversed. */
  async reversalOfEntry(
    coopId: string,
    entryId: string,
  ): Promise<{ reversal: JournalEntry; reason: string } | undefined> {
    const recorded = await readWholeStream(this.store, ledgerStream(coopId));
    for (const stored of recorded) {
      if (stored.type !== 'EntryReversed') continue;
      const event = decodeLedgerEvent(stored as unknown as StoredLedgerEvent);
      if (event.type === 'EntryReversed' && event.data.reversal.reverses === entryId)
        return event.data;
    }
    return undefined;
  }

  async revision(coopId: string): Promise<number | undefined> {
    return this.lock.run([coopId], async () => (await this.load(coopId)).revision);
  }
}
