import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  InvalidEventStoreRequestError,
  WrongExpectedRevisionError,
} from '../errors';
import { openEventStore } from '../open-event-store';
import { computeSeal, GENESIS_SEAL } from '../seal';
import type { EventStore, NewEvent, RecordedEvent } from '../types';
import { runCrashCycles } from './crash-harness';

/** What the suite needs from an adapter: a way to name a fresh, empty store. */
export interface EventStoreUnderTest {
  name: string;
  /** A URL for openEventStore and a service name that together denote an empty store. */
  fresh(): { url: string; service: string };
  /** SQLite numbers its log 1, 2, 3…; KurrentDB's positions are byte offsets, only increasing. */
  contiguousPositions: boolean;
}

export function event(
  type = 'ThingHappened',
  data: unknown = { n: 1 },
  extra: Partial<NewEvent> = {},
): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, ...extra };
}

export function events(count: number, type = 'ThingHappened'): NewEvent[] {
  return Array.from({ length: count }, (_, n) => event(type, { n }));
}

/**
 * The one suite every event store adapter passes. Each test opens its own empty store.
 */
export function describeEventStoreConformance(target: EventStoreUnderTest): void {
  const open: EventStore[] = [];
  const openStore = (clock?: () => Date): EventStore => {
    const { url, service } = target.fresh();
    const store = openEventStore(url, { service, ...(clock ? { clock } : {}) });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  const stream = () => `thing-${randomUUID()}`;
  const allEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
    const result: RecordedEvent[] = [];
    for (let after = 0; ;) {
      const page = await store.readAll({ after, maxCount: 5_000 });
      if (page.length === 0) return result;
      result.push(...page);
      after = page[page.length - 1]!.position;
    }
  };

  describe(`event store conformance: ${target.name}`, () => {
    describe('append and read', () => {
      it('appends to a new stream at revision 0 and returns its global position', async () => {
        const store = openStore();
        const s = stream();
        const result = await store.append(s, [event()], { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(0);
        expect(result.position).toBeGreaterThan(0);
        expect(result.firstPosition).toBe(result.position);
        expect(await store.streamRevision(s)).toBe(0);
      });

      it('reads back every field it was given', async () => {
        const store = openStore();
        const s = stream();
        const written = event(
          'MemberJoined',
          { memberId: 'm-1', amount: '1500000', nested: [1, { a: null }] },
          {
            schemaVersion: 3,
            metadata: {
              correlationId: 'c-1',
              causationId: 'k-1',
              traceparent: '00-abc-def-01',
              coopId: 'coop-1',
            },
            recordedAt: '2026-03-01T01:02:03.456Z',
            businessDate: '2026-02-28',
          },
        );
        await store.append(s, [written], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(s);
        expect(read).toMatchObject({
          id: written.id,
          stream: s,
          revision: 0,
          type: 'MemberJoined',
          schemaVersion: 3,
          data: written.data,
          metadata: written.metadata,
          recordedAt: '2026-03-01T01:02:03.456Z',
          businessDate: '2026-02-28',
        });
      });

      it('stamps recordedAt from the clock and the Asia/Jakarta business date from it', async () => {
        const store = openStore(() => new Date('2026-11-28T18:30:00.000Z'));
        const s = stream();
        await store.append(s, [event()], { expectedRevision: 'any' });
        const [read] = await store.readStream(s);
        expect(read!.recordedAt).toBe('2026-11-28T18:30:00.000Z');
        expect(read!.businessDate).toBe('2026-11-29');
      });

      it('appends after a numeric expected revision', async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, events(2), { expectedRevision: 'no_stream' });
        const result = await store.append(s, events(3), { expectedRevision: 1 });
        expect(result.nextExpectedRevision).toBe(4);
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      });

      it('reads a stream forwards from a revision with a maximum count', async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, events(10), { expectedRevision: 'no_stream' });
        const read = await store.readStream(s, { fromRevision: 3, maxCount: 4 });
        expect(read.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
        expect(read.map((e) => (e.data as { n: number }).n)).toEqual([3, 4, 5, 6]);
      });

      it('reads a stream backwards from the end and from a revision', async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, events(5), { expectedRevision: 'no_stream' });
        expect(
          (await store.readStream(s, { direction: 'backwards', maxCount: 2 })).map(
            (e) => e.revision,
          ),
        ).toEqual([4, 3]);
        expect(
          (await store.readStream(s, { direction: 'backwards', fromRevision: 2 })).map(
            (e) => e.revision,
          ),
        ).toEqual([2, 1, 0]);
      });

      it('reads nothing from a stream that does not exist', async () => {
        const store = openStore();
        expect(await store.readStream(stream())).toEqual([]);
        expect(await store.streamRevision(stream())).toBeUndefined();
      });

      it('keeps the data across close and reopen', async () => {
        const { url, service } = target.fresh();
        const first = openEventStore(url, { service });
        const s = stream();
        await first.append(s, events(3), { expectedRevision: 'no_stream' });
        await first.close();
        const second = openEventStore(url, { service });
        open.push(second);
        expect((await second.readStream(s)).length).toBe(3);
      });
    });

    describe('optimistic concurrency', () => {
      it('refuses a wrong numeric expectation, names the actual revision and writes nothing', async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, events(2), { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        const failure = store.append(s, [event()], { expectedRevision: 0 });
        await expect(failure).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(failure).rejects.toMatchObject({ actualRevision: 1, expectedRevision: 0 });
        expect(await store.headPosition()).toBe(head);
      });

      it("refuses 'no_stream' on a stream that exists", async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, [event()], { expectedRevision: 'no_stream' });
        await expect(
          store.append(s, [event()], { expectedRevision: 'no_stream' }),
        ).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actualRevision: 0,
        });
      });

      it("refuses 'stream_exists' on a missing stream and accepts it on an existing one", async () => {
        const store = openStore();
        const s = stream();
        await expect(
          store.append(s, [event()], { expectedRevision: 'stream_exists' }),
        ).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actualRevision: undefined,
        });
        expect(await store.streamRevision(s)).toBeUndefined();
        await store.append(s, [event()], { expectedRevision: 'any' });
        const result = await store.append(s, [event()], { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('lets exactly one of many concurrent writers win each revision', async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, [event()], { expectedRevision: 'no_stream' });
        const attempts = await Promise.allSettled(
          Array.from({ length: 10 }, () => store.append(s, [event()], { expectedRevision: 0 })),
        );
        expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        const losers = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
        expect(losers).toHaveLength(9);
        for (const loser of losers) expect(loser.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.streamRevision(s)).toBe(1);
      });

      it('loses no event when writers retry their conflicts', async () => {
        const store = openStore();
        const s = stream();
        const writer = async (w: number) => {
          for (let i = 0; i < 10; i++) {
            for (let attempt = 0; attempt < 100; attempt++) {
              const revision = await store.streamRevision(s);
              try {
                await store.append(s, [event('Tick', { w, i })], {
                  expectedRevision: revision === undefined ? 'no_stream' : revision,
                });
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
          }
        };
        await Promise.all(Array.from({ length: 5 }, (_, w) => writer(w)));
        const read = await store.readStream(s);
        expect(read).toHaveLength(50);
        expect(new Set(read.map((e) => JSON.stringify(e.data))).size).toBe(50);
      });
    });

    describe('idempotent re-append', () => {
      it('returns the original result for the same event ids and expectation, writing nothing', async () => {
        const store = openStore();
        const s = stream();
        const batch = events(3);
        const first = await store.append(s, batch, { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        const again = await store.append(s, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('returns the original result for a retry after later appends', async () => {
        const store = openStore();
        const s = stream();
        const batch = events(2);
        await store.append(s, [event()], { expectedRevision: 'no_stream' });
        const first = await store.append(s, batch, { expectedRevision: 0 });
        await store.append(s, [event()], { expectedRevision: 2 });
        expect(await store.append(s, batch, { expectedRevision: 0 })).toEqual(first);
        expect(await store.readStream(s)).toHaveLength(4);
      });

      it.each(['any', 'stream_exists'] as const)(
        'returns the original result for a retry with the loose expectation %s',
        async (expectedRevision) => {
          const store = openStore();
          const s = stream();
          await store.append(s, [event()], { expectedRevision: 'no_stream' });
          const batch = events(2);
          const first = await store.append(s, batch, { expectedRevision });
          const head = await store.headPosition();
          expect(await store.append(s, batch, { expectedRevision })).toEqual(first);
          expect(await store.headPosition()).toBe(head);
          expect(await store.readStream(s)).toHaveLength(3);
        },
      );

      it('refuses the same event ids with a different expectation', async () => {
        const store = openStore();
        const s = stream();
        const batch = events(2);
        await store.append(s, [event()], { expectedRevision: 'no_stream' });
        await store.append(s, batch, { expectedRevision: 0 });
        await expect(store.append(s, batch, { expectedRevision: 5 })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('refuses an event id that exists in another stream, writing nothing', async () => {
        const store = openStore();
        const taken = event();
        await store.append(stream(), [taken], { expectedRevision: 'no_stream' });
        const other = stream();
        await expect(
          store.append(other, [event(), taken], { expectedRevision: 'no_stream' }),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(
          store.append(other, [taken], { expectedRevision: 'no_stream' }),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(other)).toEqual([]);
      });
    });

    describe('the global log', () => {
      it('orders every event of every stream, without gaps', async () => {
        const store = openStore();
        const streams = [stream(), stream(), stream()];
        await Promise.all(
          streams.map(async (s) => {
            for (let i = 0; i < 5; i++)
              await store.append(s, events(2), { expectedRevision: 'any' });
          }),
        );
        const all = await allEvents(store);
        expect(all).toHaveLength(30);
        for (let i = 1; i < all.length; i++) {
          if (target.contiguousPositions) expect(all[i]!.position).toBe(all[i - 1]!.position + 1);
          else expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        }
        for (const s of streams) {
          expect(all.filter((e) => e.stream === s).map((e) => e.revision)).toEqual([
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
          ]);
        }
        expect(await store.headPosition()).toBe(all[all.length - 1]!.position);
      });

      it('pages with after and maxCount, each event exactly once', async () => {
        const store = openStore();
        await store.append(stream(), events(25), { expectedRevision: 'no_stream' });
        const seen: string[] = [];
        let after = 0;
        for (let page = 0; page < 10; page++) {
          const read = await store.readAll({ after, maxCount: 7 });
          if (read.length === 0) break;
          expect(read.length).toBeLessThanOrEqual(7);
          seen.push(...read.map((e) => e.id));
          after = read[read.length - 1]!.position;
        }
        expect(seen).toHaveLength(25);
        expect(new Set(seen).size).toBe(25);
      });

      it('filters by event type', async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, [event('A'), event('B'), event('A'), event('C')], {
          expectedRevision: 'no_stream',
        });
        const read = await store.readAll({ types: ['A', 'C'] });
        expect(read.map((e) => e.type)).toEqual(['A', 'A', 'C']);
      });

      it('filters by stream category', async () => {
        const store = openStore();
        await store.append(`loan-${randomUUID()}`, [event('L')], { expectedRevision: 'no_stream' });
        await store.append(`account-${randomUUID()}`, [event('S')], {
          expectedRevision: 'no_stream',
        });
        await store.append(`loan-${randomUUID()}`, [event('L2')], {
          expectedRevision: 'no_stream',
        });
        expect((await store.readAll({ categories: ['loan'] })).map((e) => e.type)).toEqual([
          'L',
          'L2',
        ]);
      });

      it('takes a 10,000-event batch in one append, wholly and in order', async () => {
        const store = openStore();
        const s = stream();
        const result = await store.append(s, events(10_000), { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(9_999);
        const read = await store.readStream(s);
        expect(read).toHaveLength(10_000);
        expect(read.every((e, i) => e.revision === i && (e.data as { n: number }).n === i)).toBe(
          true,
        );
        if (target.contiguousPositions) expect(result.position - result.firstPosition).toBe(9_999);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history, then live events from several writers, with no gap or reordering', async () => {
        const store = openStore();
        for (let i = 0; i < 3; i++)
          await store.append(stream(), events(10), { expectedRevision: 'no_stream' });
        const received: RecordedEvent[] = [];
        const subscription = store.subscribe({
          after: 0,
          batchSize: 8,
          handler: (e) => void received.push(e),
        });
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            const s = stream();
            for (let i = 0; i < 10; i++)
              await store.append(s, events(3), { expectedRevision: 'any' });
          }),
        );
        await waitUntil(() => received.length >= 150);
        await subscription.stop();
        expect(received).toHaveLength(150);
        expect(received.map((e) => e.id)).toEqual((await allEvents(store)).map((e) => e.id));
      });

      it('starts after the given checkpoint', async () => {
        const store = openStore();
        const first = await store.append(stream(), events(5), { expectedRevision: 'no_stream' });
        await store.append(stream(), events(2, 'Later'), { expectedRevision: 'no_stream' });
        const received: RecordedEvent[] = [];
        const subscription = store.subscribe({
          after: first.position,
          handler: (e) => void received.push(e),
        });
        await waitUntil(() => received.length >= 2);
        await subscription.stop();
        expect(received.map((e) => e.type)).toEqual(['Later', 'Later']);
        expect(subscription.position).toBe(received[1]!.position);
      });

      it('delivers only matching types and stops cleanly', async () => {
        const store = openStore();
        const received: string[] = [];
        const subscription = store.subscribe({
          after: 0,
          types: ['Wanted'],
          handler: (e) => void received.push(e.type),
        });
        await store.append(stream(), [event('Wanted'), event('Other'), event('Wanted')], {
          expectedRevision: 'no_stream',
        });
        await waitUntil(() => received.length >= 2);
        await subscription.stop();
        await store.append(stream(), [event('Wanted')], { expectedRevision: 'no_stream' });
        await new Promise((r) => setTimeout(r, 300));
        expect(received).toEqual(['Wanted', 'Wanted']);
      });

      it('delivers whole pages to a batch handler, in order', async () => {
        const store = openStore();
        await store.append(stream(), events(25), { expectedRevision: 'no_stream' });
        const pages: number[][] = [];
        const subscription = store.subscribe({
          after: 0,
          batchSize: 10,
          batchHandler: (page) => void pages.push(page.map((e) => (e.data as { n: number }).n)),
        });
        await waitUntil(() => pages.flat().length >= 25);
        await subscription.stop();
        expect(pages.every((p) => p.length <= 10)).toBe(true);
        expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
      });

      it('waits for the handler before delivering the next event', async () => {
        const store = openStore();
        await store.append(stream(), events(5), { expectedRevision: 'no_stream' });
        let inFlight = 0;
        let maxInFlight = 0;
        let count = 0;
        const subscription = store.subscribe({
          after: 0,
          handler: async () => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((r) => setTimeout(r, 5));
            inFlight--;
            count++;
          },
        });
        await waitUntil(() => count >= 5);
        await subscription.stop();
        expect(maxInFlight).toBe(1);
      });
    });

    describe('checkpoints', () => {
      it('compare-and-set from unset, then only from the current value', async () => {
        const store = openStore();
        expect(await store.checkpoints.get('relay')).toBeUndefined();
        expect(await store.checkpoints.compareAndSet('relay', undefined, 10)).toBe(true);
        expect(await store.checkpoints.compareAndSet('relay', undefined, 11)).toBe(false);
        expect(await store.checkpoints.compareAndSet('relay', 9, 11)).toBe(false);
        expect(await store.checkpoints.get('relay')).toBe(10);
        expect(await store.checkpoints.compareAndSet('relay', 10, 20)).toBe(true);
        expect(await store.checkpoints.get('relay')).toBe(20);
        expect(await store.checkpoints.get('other')).toBeUndefined();
      });

      it('lets one of several concurrent compare-and-sets win', async () => {
        const store = openStore();
        await store.checkpoints.compareAndSet('projection', undefined, 1);
        const results = await Promise.all(
          [2, 3, 4, 5].map((next) => store.checkpoints.compareAndSet('projection', 1, next)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect([2, 3, 4, 5]).toContain(await store.checkpoints.get('projection'));
      });
    });

    describe('leases', () => {
      it('lets one owner hold a lease, renew it, and release it to another', async () => {
        const store = openStore();
        expect(await store.leases.acquire('relay', 'node-a', 60_000)).toBe(true);
        expect(await store.leases.acquire('relay', 'node-b', 60_000)).toBe(false);
        expect(await store.leases.acquire('relay', 'node-a', 60_000)).toBe(true);
        await store.leases.release('relay', 'node-b');
        expect(await store.leases.acquire('relay', 'node-b', 60_000)).toBe(false);
        await store.leases.release('relay', 'node-a');
        expect(await store.leases.acquire('relay', 'node-b', 60_000)).toBe(true);
      });

      it('lets another owner take a lease once it has lapsed', async () => {
        let now = Date.parse('2026-11-28T00:00:00Z');
        const store = openStore(() => new Date(now));
        expect(await store.leases.acquire('relay', 'node-a', 1_000)).toBe(true);
        now += 999;
        expect(await store.leases.acquire('relay', 'node-b', 1_000)).toBe(false);
        now += 2;
        expect(await store.leases.acquire('relay', 'node-b', 1_000)).toBe(true);
        expect(await store.leases.acquire('relay', 'node-a', 1_000)).toBe(false);
      });

      it('refuses a lease asked for without a ttl, so none is held without a deadline', async () => {
        const store = openStore();
        for (const ttlMs of [undefined, Number.NaN, 0])
          await expect(
            store.leases.acquire('relay', 'node-a', ttlMs as number),
          ).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
        expect(await store.leases.acquire('relay', 'node-b', 60_000)).toBe(true);
      });

      it('grants a contended lease to exactly one of several owners', async () => {
        const store = openStore();
        const results = await Promise.all(
          ['a', 'b', 'c', 'd'].map((o) => store.leases.acquire('relay', o, 60_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('seal chain', () => {
      it('seals every committed append batch, chained from genesis', async () => {
        const store = openStore();
        const s = stream();
        await store.append(s, events(3), { expectedRevision: 'no_stream' });
        await store.append(s, events(2), { expectedRevision: 2 });
        await Promise.all([
          store.append(stream(), events(4), { expectedRevision: 'no_stream' }),
          store.append(stream(), [event()], { expectedRevision: 'no_stream' }),
        ]);
        const batches = await store.readBatches();
        expect(batches.map((b) => b.batch)).toEqual([1, 2, 3, 4]);
        const all = await allEvents(store);
        let previous = GENESIS_SEAL;
        for (const batch of batches) {
          const inBatch = all.filter(
            (e) => e.position >= batch.firstPosition && e.position <= batch.lastPosition,
          );
          expect(inBatch.length).toBeGreaterThan(0);
          previous = computeSeal(previous, inBatch.map(sealable));
          expect(batch.seal).toBe(previous);
        }
        expect(batches[batches.length - 1]!.lastPosition).toBe(all[all.length - 1]!.position);
      });
    });

    describe('bad input raises a typed error and writes nothing', () => {
      const cases: Array<[string, (store: EventStore) => Promise<unknown>]> = [
        ['an empty stream name', (st) => st.append('', [event()], { expectedRevision: 'any' })],
        [
          'a stream name that is not a string',
          (st) => st.append(42 as unknown as string, [event()], { expectedRevision: 'any' }),
        ],
        [
          'bigint data',
          (st) => st.append(stream(), [event('X', { amount: 10n })], { expectedRevision: 'any' }),
        ],
        [
          'a function in data',
          (st) => st.append(stream(), [event('X', { f: () => 1 })], { expectedRevision: 'any' }),
        ],
        [
          'NaN in data',
          (st) => st.append(stream(), [event('X', { n: Number.NaN })], { expectedRevision: 'any' }),
        ],
        [
          'circular data',
          (st) => {
            const data: Record<string, unknown> = {};
            data.self = data;
            return st.append(stream(), [event('X', data)], { expectedRevision: 'any' });
          },
        ],
        [
          'undefined data',
          (st) =>
            st.append(stream(), [{ ...event('X'), data: undefined }], { expectedRevision: 'any' }),
        ],
        [
          "expectedRevision 'latest'",
          (st) => st.append(stream(), [event()], { expectedRevision: 'latest' as never }),
        ],
        [
          'a negative expectedRevision',
          (st) => st.append(stream(), [event()], { expectedRevision: -1 }),
        ],
        [
          'a fractional expectedRevision',
          (st) => st.append(stream(), [event()], { expectedRevision: 1.5 }),
        ],
        ['a missing expectedRevision', (st) => st.append(stream(), [event()], {} as never)],
        [
          'an event id that is not a UUID',
          (st) => st.append(stream(), [event('X', 1, { id: 'nope' })], { expectedRevision: 'any' }),
        ],
        [
          'the same event id twice in one append',
          (st) => {
            const e = event();
            return st.append(stream(), [e, { ...e }], { expectedRevision: 'any' });
          },
        ],
        ['no events', (st) => st.append(stream(), [], { expectedRevision: 'any' })],
        [
          'an impossible business date',
          (st) =>
            st.append(stream(), [event('X', 1, { businessDate: '2026-02-30' })], {
              expectedRevision: 'any',
            }),
        ],
        [
          'a schema version of 0',
          (st) =>
            st.append(stream(), [event('X', 1, { schemaVersion: 0 })], { expectedRevision: 'any' }),
        ],
      ];
      it.each(cases)('%s', async (_, act) => {
        const store = openStore();
        await store.append(stream(), [event()], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        await expect(act(store)).rejects.toBeInstanceOf(InvalidEventStoreRequestError);
        expect(await store.headPosition()).toBe(head);
        expect((await store.readBatches()).length).toBe(1);
      });
    });

    describe('crash durability', () => {
      it('keeps each batch wholly or not at all when the writer is killed with SIGKILL mid-append', async () => {
        const { url, service } = target.fresh();
        const outcome = await runCrashCycles({ url, service, cycles: 5, batchSize: 50 });
        expect(outcome.kills).toBe(5);
        expect(outcome.acknowledged.size).toBeGreaterThan(0);
        const store = openEventStore(url, { service });
        open.push(store);
        const byBatch = new Map<number, number>();
        for (const e of await allEvents(store)) {
          const { batch } = e.data as { batch: number };
          byBatch.set(batch, (byBatch.get(batch) ?? 0) + 1);
        }
        for (const [, count] of byBatch) expect(count).toBe(50);
        for (const batch of outcome.acknowledged) expect(byBatch.has(batch)).toBe(true);
        const all = await allEvents(store);
        if (target.contiguousPositions)
          expect(all.every((e, i) => e.position === i + 1)).toBe(true);
        let previous = GENESIS_SEAL;
        for (const batch of await store.readBatches({ maxCount: 100_000 })) {
          const inBatch = all.filter(
            (e) => e.position >= batch.firstPosition && e.position <= batch.lastPosition,
          );
          previous = computeSeal(previous, inBatch.map(sealable));
          expect(batch.seal).toBe(previous);
        }
      }, 120_000);
    });
  });
}

export function sealable(e: RecordedEvent) {
  return {
    position: e.position,
    stream: e.stream,
    revision: e.revision,
    id: e.id,
    type: e.type,
    schemaVersion: e.schemaVersion,
    recordedAt: e.recordedAt,
    businessDate: e.businessDate,
    dataJson: JSON.stringify(e.data),
    metadataJson: JSON.stringify(e.metadata),
  };
}

export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
