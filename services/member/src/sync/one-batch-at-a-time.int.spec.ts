import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { hostFixture, type HostFixture } from '@kopfed/host/src/testing';
import { memberModule } from '../module';
import { streams } from '../stream-ids';
import { COOP, federation, memberItems } from '../testing/federation';
import { batchLeaseName } from './one-batch-at-a-time';

/** The coop's batch lease as each batch holds it: waited for, fenced, and not outliving a restart. */
describe('a coop’s batch lease', () => {
  let fixture: HostFixture;
  let f: Awaited<ReturnType<typeof federation>>;
  const post = (body: unknown, key: string) =>
    request(fixture.app)
      .post(`/api/member/v1/coops/${COOP.A}/member-batches`)
      .set(f.auth(f.coopA))
      .set('Idempotency-Key', key)
      .send(body as object);
  const store = () => fixture.stores.get('member')!;
  const recordedSequences = async () =>
    (await store().readStream(streams.memberSync(COOP.A))).map(
      (e) => (e.data as { sequence: number }).sequence,
    );

  beforeEach(async () => {
    fixture = await hostFixture([memberModule]);
    f = await federation(fixture);
  });
  afterEach(async () => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    await fixture.close();
  });

  it('answers a batch that waited in vain 409 with Retry-After, and runs the same request again once free', async () => {
    const lease = batchLeaseName(COOP.A);
    expect(await store().leases.acquire(lease, 'another-batch', 600_000)).toBe(true);
    // Only the clock is moved on: the batch waits no longer than the SDK's attempt (30 s).
    jest.useFakeTimers({ doNotFake: NOT_THE_DATE, now: Date.now() });
    const batch = { sequence: 1, items: memberItems(1, 3) };
    const waiting = post(batch, 'agent-batch-1').then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 100));
    jest.setSystemTime(Date.now() + 25_000);
    const refused = await waiting;
    jest.useRealTimers();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('member_batch_in_progress');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(10);
    await store().leases.release(lease, 'another-batch');
    const applied = await post(batch, 'agent-batch-1').expect(200);
    expect(applied.headers['idempotent-replayed']).toBeUndefined();
    expect(applied.body.counts).toMatchObject({ created: 3 });
    expect(await recordedSequences()).toEqual([1]);
  }, 15_000);

  it('records neither the answers nor the sequence of a batch whose lease another took', async () => {
    const leases = store().leases;
    const acquire = leases.acquire.bind(leases);
    let asked = 0;
    // The batch gets the lease; by the time it records, another owner has it.
    jest.spyOn(leases, 'acquire').mockImplementation(async (name, owner, ttlMs) => {
      if (name === batchLeaseName(COOP.A) && ++asked > 1) return false;
      return acquire(name, owner, ttlMs);
    });
    const res = await post({ sequence: 1, items: memberItems(1, 3) }, 'fenced-1').expect(409);
    expect(res.body.code).toBe('member_batch_in_progress');
    expect(res.headers['retry-after']).toBeDefined();
    expect(await recordedSequences()).toEqual([]);
    expect(await store().readStream(streams.memberBatch(COOP.A, 1))).toEqual([]);
    jest.restoreAllMocks();
    // Sent again, the batch is recorded, and its members stand as the first sending made them.
    const again = await post({ sequence: 1, items: memberItems(1, 3) }, 'fenced-1').expect(200);
    expect(again.body.duplicateSequence).toBe(false);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(
      Array<string>(3).fill('unchanged'),
    );
    expect(await recordedSequences()).toEqual([1]);
  });

  it('drops the batch leases a stopped node left behind when it starts again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-member-restart-'));
    try {
      let node = await hostFixture([memberModule], { dataDir });
      const leases = () => node.stores.get('member')!.leases;
      // A batch of coop A was running when the node stopped; the other lease is not a batch's.
      expect(await leases().acquire(batchLeaseName(COOP.A), 'stopped-node', 30_000)).toBe(true);
      expect(await leases().acquire('relay', 'stopped-node', 30_000)).toBe(true);
      await node.close();
      node = await hostFixture([memberModule], { dataDir });
      try {
        expect(await leases().acquire(batchLeaseName(COOP.A), 'restarted-node', 1_000)).toBe(true);
        expect(await leases().acquire('relay', 'restarted-node', 1_000)).toBe(false);
      } finally {
        await node.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Every timer but the date: the store's polls and the batch's waits run in real time. */
const NOT_THE_DATE: FakeableApis = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];
type FakeableApis = NonNullable<
  Extract<Parameters<typeof jest.useFakeTimers>[0], { doNotFake?: unknown }>['doNotFake']
>;
