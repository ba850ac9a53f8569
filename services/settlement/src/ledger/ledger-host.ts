import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@kopfed/domain';
import {
  WrongExpectedRevisionError,
  type EventMetadata,
  type EventStore,
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

interface Cached {
  state: LedgerState;
  revision: number | undefined;
}

/** A command of a batch that the ledger refused; the rest of the batch went on. */
export interface Refused<C> {
  command: C;
  error: DomainError;
}

/**
 * Every coop's ledger, one stream per coop (`ledger-<coopId>`), hosted by the settlement
 * service for the federation. The state of each ledger is kept in memory with its revision,
 * so a posting reads nothing; a write that loses a race (another writer) reloads and retries.
 */
export class LedgerHost {
  private readonly cache = new Map<string, Cached>();
  private readonly lock = new KeyedLock();

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
   * without, the first refusal throws and nothing is written. The state evolves with the
   * decided events themselves: only what is stored is encoded (encoding round-trips).
   */
  async execute<C extends LedgerCommand>(
    coopId: string,
    commands: (state: LedgerState) => readonly C[],
    metadata: EventMetadata,
    isolate = false,
  ): Promise<{
    state: LedgerState;
    events: StoredLedgerEvent[];
    refused: Refused<C>[];
    revision: number | undefined;
  }> {
    return this.lock.run([coopId], async () => {
      for (let attempt = 1; ; attempt++) {
        const { state: start, revision } = await this.load(coopId);
        let state = start;
        const events: StoredLedgerEvent[] = [];
        const refused: Refused<C>[] = [];
        for (const command of commands(start)) {
          try {
            const decided = ledgerDecider.decide(command, state);
            state = decided.reduce(ledgerDecider.evolve, state);
            for (const event of decided) events.push(encodeLedgerEvent(event));
          } catch (error) {
            if (!isolate || !(error instanceof DomainError)) throw error;
            refused.push({ command, error });
          }
        }
        if (events.length === 0) return { state, events, refused, revision };
        try {
          const result = await this.store.append(
            ledgerStream(coopId),
            events.map((event) => ({
              id: uuidv7(),
              type: event.type,
              schemaVersion: 1,
              data: event.data,
              metadata,
            })),
            { expectedRevision: revision ?? 'no_stream' },
          );
          this.cache.set(coopId, { state, revision: result.nextExpectedRevision });
          return { state, events, refused, revision: result.nextExpectedRevision };
        } catch (error) {
          this.cache.delete(coopId);
          if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS)
            throw error;
        }
      }
    });
  }

  /** The ledger's journal, in order: what the books are computed from. */
  async journal(coopId: string): Promise<JournalEntry[]> {
    const recorded = await readWholeStream(this.store, ledgerStream(coopId));
    return journalOf(recorded.map((e) => decodeLedgerEvent(e as unknown as StoredLedgerEvent)));
  }

  async revision(coopId: string): Promise<number | undefined> {
    return this.lock.run([coopId], async () => (await this.load(coopId)).revision);
  }
}
