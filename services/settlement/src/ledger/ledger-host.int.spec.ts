import { DomainError } from '@kopfed/domain';
import {
  SqliteEventStore,
  type AppendOptions,
  type EventMetadata,
  type NewEvent,
} from '@kopfed/eventstore';
import {
  accountCode,
  coopId as toCoopId,
  credit,
  debit,
  encodeLedgerEvent,
  entryId,
  type JournalEntry,
  type LedgerCommand,
} from '@kopfed/ledger';
import { money } from '@kopfed/money';
import { v7 as uuidv7 } from 'uuid';
import { LedgerHost, ledgerStream } from './ledger-host';

const COOP = 'KSP-HOST';
const KAS = accountCode('1-110');
const SUKARELA = accountCode('2-110');

function entry(n: number, amount = 1_000n): JournalEntry {
  return {
    entryId: entryId(`e-${n}`),
    coopId: toCoopId(COOP),
    businessDate: '2026-11-02',
    recordedAt: '2026-11-02T03:00:00.000Z',
    description: `deposit ${n}`,
    lines: [debit(KAS, money(amount, 'IDR')), credit(SUKARELA, money(amount, 'IDR'))],
    source: { eventId: `src-${n}`, type: 'Test' },
  };
}

const post = (n: number, amount?: bigint): LedgerCommand => ({
  type: 'PostEntry',
  entry: entry(n, amount),
});
const meta = (n: number): EventMetadata => ({ correlationId: `c-${n}`, causationId: `m-${n}` });

/**
 * A store that counts append calls, can be told to refuse some, and can let another writer's
 * events in just ahead of an append (they commit first, so the append loses the race).
 */
class CountingStore extends SqliteEventStore {
  appends = 0;
  refuse: ((events: readonly NewEvent[]) => boolean) | undefined;
  aheadOf: { causationId: string; events: NewEvent[] } | undefined;

  override append(stream: string, events: readonly NewEvent[], options: AppendOptions) {
    this.appends++;
    if (this.refuse?.(events)) return Promise.reject(new Error('the disk said no'));
    const ahead = this.aheadOf;
    if (ahead && events.some((e) => e.metadata?.causationId === ahead.causationId)) {
      this.aheadOf = undefined;
      void super.append(stream, ahead.events, { expectedRevision: 'any' });
    }
    return super.append(stream, events, options);
  }
}

describe('LedgerHost', () => {
  let store: CountingStore;
  let host: LedgerHost;

  beforeEach(async () => {
    store = new CountingStore({ file: ':memory:' });
    host = new LedgerHost(store);
    await host.execute(
      COOP,
      () => [
        {
          type: 'ConfigureChart',
          coopId: toCoopId(COOP),
          changes: {},
          configuredAt: '2026-11-01T00:00:00.000Z',
        },
      ],
      meta(0),
    );
    store.appends = 0;
  });

  afterEach(async () => {
    await store.close();
  });

  const stored = async () =>
    (await store.readStream(ledgerStream(COOP))).filter((e) => e.type === 'EntryPosted');

  it('appends the calls that waited for a busy ledger in one call, each with its own metadata', async () => {
    const calls = Array.from({ length: 20 }, (_, n) =>
      host.execute(COOP, () => [post(n + 1)], meta(n + 1)),
    );
    const results = await Promise.all(calls);

    // The first call has the ledger to itself; the 19 that waited for it go together.
    expect(store.appends).toBe(2);
    const events = await stored();
    expect(events.map((e) => e.metadata.causationId)).toEqual(
      Array.from({ length: 20 }, (_, n) => `m-${n + 1}`),
    );
    results.forEach((result, n) => {
      expect(result.events).toHaveLength(1);
      expect(result.refused).toEqual([]);
      expect(result.state.posted.has(`src-${n + 1}`)).toBe(true);
    });
    // Each call's state is the ledger after its own commands, not after the later calls'.
    expect(results[1]!.state.posted.has('src-3')).toBe(false);
    expect(results.at(-1)!.revision).toBe(20);
  });

  it('fails a call whose command is refused alone; the calls beside it are written', async () => {
    const calls = [
      host.execute(COOP, () => [post(1)], meta(1)),
      host.execute(COOP, () => [post(2)], meta(2)),
      host.execute(COOP, () => [post(3), post(4, 0n)], meta(3)),
      host.execute(COOP, () => [post(5)], meta(4)),
    ] as const;
    const [first, second, refused, last] = await Promise.allSettled(calls);

    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('fulfilled');
    expect(last.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
    // Nothing of the refused call is written, not even its first entry.
    expect((await stored()).map((e) => e.metadata.causationId)).toEqual(['m-1', 'm-2', 'm-4']);
  });

  it('reports refusals per call when a call isolates them', async () => {
    const calls = [
      host.execute(COOP, () => [post(1)], meta(1)),
      host.execute(COOP, () => [post(2), post(3, 0n)], meta(2), true),
      host.execute(COOP, () => [post(4)], meta(3), true),
    ] as const;
    const [, isolated, after] = await Promise.all(calls);

    expect(isolated.events).toHaveLength(1);
    expect(isolated.refused.map((r) => r.command)).toEqual([post(3, 0n)]);
    expect(after.refused).toEqual([]);
    expect(await stored()).toHaveLength(3);
  });

  it('tries each call alone when the store refuses the append they share', async () => {
    const blocker = host.execute(COOP, () => [post(1)], meta(1));
    // The store refuses any append carrying the event of call m-3.
    store.refuse = (events) => events.some((e) => e.metadata?.causationId === 'm-3');
    const calls = [2, 3, 4].map((n) => host.execute(COOP, () => [post(n)], meta(n)));
    await blocker;
    const outcomes = await Promise.allSettled(calls);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await stored()).map((e) => e.metadata.causationId)).toEqual(['m-1', 'm-2', 'm-4']);
  });

  it('decides the waiting calls again on a fresh read when another writer got in first', async () => {
    const blocker = host.execute(COOP, () => [post(1)], meta(1));
    const calls = [2, 3].map((n) => host.execute(COOP, () => [post(n)], meta(n)));
    // Another process posts entry 9 to the same ledger just before the two waiting calls.
    const foreign = encodeLedgerEvent({ type: 'EntryPosted', data: { entry: entry(9) } });
    store.aheadOf = {
      causationId: 'm-2',
      events: [
        {
          id: uuidv7(),
          type: foreign.type,
          schemaVersion: 1,
          data: foreign.data,
          metadata: meta(9),
        },
      ],
    };
    await blocker;
    const results = await Promise.all(calls);

    expect(store.appends).toBe(3); // the blocker, the two calls' lost race, their retry
    expect((await stored()).map((e) => e.metadata.causationId)).toEqual([
      'm-1',
      'm-9',
      'm-2',
      'm-3',
    ]);
    expect(results[1]!.state.posted.has('src-9')).toBe(true);
  });
});
