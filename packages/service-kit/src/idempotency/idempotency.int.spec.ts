import type { Express } from 'express';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { createServiceApp } from '../http/service-app';
import { counterService } from '../testing/counter-service';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type SqliteEventStore,
} from '@kopfed/eventstore';
import { DAY_MS } from './idempotency-guard';
import { sha256Hex } from './fingerprint';
import { keyIdOf } from '../access/api-key-token';
import { sqliteKeyRecords } from './sqlite-key-records';

const A = `/api/counter/v1/coops/${COOPS.A}/counters/c1`;
const STREAM = `counter-${COOPS.A}.c1`;

const inTable = (store: EventStore) => sqliteKeyRecords(store as SqliteEventStore);

// soleWriter (the embedded node): the claim and the response are recorded together at the end;
// the node keeps them in a table of the store (table: true), other processes as events.
describe.each([
  { soleWriter: false, table: false },
  { soleWriter: true, table: false },
  { soleWriter: true, table: true },
])('Idempotency-Key (sole writer: $soleWriter, table: $table)', ({ soleWriter, table }) => {
  const options = () => ({
    clock: () => now,
    waitMs: 2_000,
    pollMs: 5,
    soleWriter,
    ...(table ? { keyRecords: inTable } : {}),
  });
  let fx: KitFixture;
  let app: Express;
  let now: Date;
  let flakyCalls: number;
  let release: () => void;
  let entered: Promise<void>;
  let enter: () => void;

  const flaky = defineRoute({
    method: 'POST',
    path: '/coops/{coopId}/flaky',
    operationId: 'flaky',
    summary: 'Fails the first time',
    request: { params: z.strictObject({ coopId: z.string().max(64) }) },
    responses: { 201: z.object({ call: z.number() }) },
    policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
    handler: async () => {
      flakyCalls += 1;
      if (flakyCalls === 1) throw new Error('disk hiccup');
      return { status: 201, body: { call: flakyCalls } };
    },
  });
  const slow = defineRoute({
    method: 'POST',
    path: '/coops/{coopId}/slow',
    operationId: 'slow',
    summary: 'Waits until released',
    request: { params: z.strictObject({ coopId: z.string().max(64) }) },
    responses: { 201: z.object({}) },
    policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
    handler: async () => {
      enter();
      await new Promise<void>((resolve) => (release = resolve));
      return { status: 201, body: {} };
    },
  });

  let racedCalls: number;
  const raced = defineRoute({
    method: 'POST',
    path: '/coops/{coopId}/raced',
    operationId: 'raced',
    summary: 'Loses a race for its stream the first time',
    request: { params: z.strictObject({ coopId: z.string().max(64) }) },
    responses: { 201: z.object({ call: z.number() }) },
    policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
    ifMatch: true,
    handler: async () => {
      racedCalls += 1;
      if (racedCalls === 1) throw new WrongExpectedRevisionError('raced-1', 3, 4);
      return { status: 201, body: { call: racedCalls } };
    },
  });

  beforeEach(async () => {
    now = new Date('2026-03-01T00:00:00Z');
    flakyCalls = 0;
    racedCalls = 0;
    entered = new Promise<void>((resolve) => (enter = resolve));
    fx = await kitFixture();
    app = createServiceApp(counterService(fx.store, [flaky, slow, raced]), {
      ...fx.deps,
      idempotency: options(),
    });
  });
  afterEach(() => fx.close());

  const increment = (
    key: string | undefined,
    body: object | undefined,
    token = fx.keys.coopA,
    path = `${A}/increments`,
  ) => {
    const req = request(app).post(path).set('Authorization', `Bearer ${token}`);
    const keyed = key === undefined ? req : req.set('Idempotency-Key', key);
    return body === undefined ? keyed : keyed.send(body);
  };
  const events = async () => (await fx.store.readStream(STREAM)).length;

  it('returns the original status and body to a retry, and runs once', async () => {
    const first = await increment('k-1', { by: 5 }).expect(200);
    const retry = await increment('k-1', { by: 5 }).expect(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await events()).toBe(1);
  });

  it('treats a body with its keys reordered as the same request', async () => {
    await increment('k-order', { by: 5, note: 'a' }).expect(200);
    await increment('k-order', { note: 'a', by: 5 })
      .expect(200)
      .expect('Idempotent-Replayed', 'true');
    expect(await events()).toBe(1);
  });

  it('refuses the same key with another body or path with 409, changing nothing', async () => {
    await increment('k-2', { by: 5 }).expect(200);
    const changed = await increment('k-2', { by: 6 }).expect(409);
    expect(changed.body.code).toBe('idempotency-key-reused');
    const elsewhere = await increment(
      'k-2',
      { by: 5 },
      fx.keys.coopA,
      `/api/counter/v1/coops/${COOPS.A}/counters/c2/increments`,
    ).expect(409);
    expect(elsewhere.body.code).toBe('idempotency-key-reused');
    expect(await events()).toBe(1);
    expect(await fx.store.streamRevision(`counter-${COOPS.A}.c2`)).toBeUndefined();
  });

  it('runs concurrent duplicates once and gives every one the same answer', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => increment('k-race', { by: 1 })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((r) => JSON.stringify(r.body)))).toEqual(
      new Set(['{"counterId":"c1","value":1}']),
    );
    expect(responses.filter((r) => r.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(await events()).toBe(1);
  });

  it('answers 409 in-progress to a duplicate that outwaits its patience', async () => {
    const path = `/api/counter/v1/coops/${COOPS.A}/slow`;
    const first = increment('k-slow', undefined, fx.keys.coopA, path).then((r) => r);
    await entered;
    const second = await increment('k-slow', undefined, fx.keys.coopA, path).expect(409);
    expect(second.body.code).toBe('idempotency-key-in-progress');
    expect(second.headers['retry-after']).toBe('1');
    release();
    expect((await first).status).toBe(201);
    await increment('k-slow', undefined, fx.keys.coopA, path)
      .expect(201)
      .expect('Idempotent-Replayed', 'true');
  });

  it('does not spend a key on a request that never reached its handler', async () => {
    await increment('k-3', { by: 'five' }).expect(400);
    await increment('k-3', { by: 5 }, fx.keys.auditorP).expect(403);
    await increment('k-3', { by: 5 }).expect(200);
    expect(await events()).toBe(1);
  });

  it('keeps a refusal from the handler: the retry gets the same 422', async () => {
    await increment(undefined, { by: 100 });
    for (let i = 0; i < 9; i++) await increment(undefined, { by: 100 });
    const refused = await increment('k-4', { by: 1 }).expect(422);
    const retry = await increment('k-4', { by: 1 })
      .expect(422)
      .expect('Idempotent-Replayed', 'true');
    expect(retry.body).toEqual(refused.body);
    expect(retry.headers['content-type']).toMatch(/problem\+json/);
  });

  it('frees the key after a lost race under If-Match: * (any revision), so the retry runs', async () => {
    const path = `/api/counter/v1/coops/${COOPS.A}/raced`;
    const send = () =>
      request(app)
        .post(path)
        .set('Authorization', `Bearer ${fx.keys.coopA}`)
        .set('Idempotency-Key', 'k-race-any')
        .set('If-Match', '*');
    const lost = await send().expect(409);
    expect(lost.body.code).toBe('concurrency-conflict');
    await send().expect(201, { call: 2 });
    await send().expect(201, { call: 2 }).expect('Idempotent-Replayed', 'true');
  });

  it('frees the key after a 5xx, so the retry runs', async () => {
    const path = `/api/counter/v1/coops/${COOPS.A}/flaky`;
    await increment('k-5', undefined, fx.keys.coopA, path).expect(500);
    await increment('k-5', undefined, fx.keys.coopA, path).expect(201, { call: 2 });
    await increment('k-5', undefined, fx.keys.coopA, path).expect(201, { call: 2 });
    expect(flakyCalls).toBe(2);
  });

  it('scopes keys to the coop: another coop may use the same key', async () => {
    await increment('shared', { by: 1 }).expect(200);
    await increment(
      'shared',
      { by: 1 },
      fx.keys.coopB,
      `/api/counter/v1/coops/${COOPS.B}/counters/c1/increments`,
    ).expect(200);
    expect(await fx.store.streamRevision(`counter-${COOPS.B}.c1`)).toBe(0);
  });

  it('keeps keys for the retention period (30 days by default), then lets them go', async () => {
    await increment('k-6', { by: 1 }).expect(200);
    now = new Date(now.getTime() + 30 * DAY_MS - 1);
    await increment('k-6', { by: 2 }).expect(409);
    now = new Date(now.getTime() + 2);
    await increment('k-6', { by: 2 }).expect(200, { counterId: 'c1', value: 3 });
  });

  it('takes over a claim abandoned by a crashed process for its own request only', async () => {
    const stream = `idempotency-${sha256Hex(`${COOPS.A}\nk-7`)}`;
    await fx.store.append(
      stream,
      [
        {
          id: uuidv7(),
          type: 'IdempotencyKeyClaimed',
          schemaVersion: 1,
          data: {
            fingerprint: {
              method: 'POST',
              target: `${A}/increments`,
              bodySha256: sha256Hex('{"by":1}'),
            },
            claimedAt: new Date(now.getTime() - 120_000).toISOString(),
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const other = await increment('k-7', { by: 2 }).expect(409);
    expect(other.body.code).toBe('idempotency-key-reused');
    expect(await events()).toBe(0);
    await increment('k-7', { by: 1 }).expect(200);
    await increment('k-7', { by: 1 }).expect(200).expect('Idempotent-Replayed', 'true');
    expect(await events()).toBe(1);
  });

  it('records the key once on success (a sole writer) or twice, and keeps nothing of a 5xx (a sole writer)', async () => {
    const keyStream = (key: string) => `idempotency-${sha256Hex(`${COOPS.A}\n${key}`)}`;
    const appends = jest.spyOn(fx.store, 'append');
    const appendsTo = (key: string) =>
      appends.mock.calls.filter(([stream]) => stream === keyStream(key)).length;
    const writes = jest.spyOn(fx.store as SqliteEventStore, 'commitWith');
    await increment('k-8', { by: 1 }).expect(200);
    const keyEvents = (await fx.store.readStream(keyStream('k-8'))).map((e) => e.type);
    if (table) {
      // One write in the group commit, and no event: the row holds the key's state.
      expect([appendsTo('k-8'), keyEvents, writes.mock.calls.length]).toEqual([0, [], 1]);
      const { state, revision } = await inTable(fx.store).load(keyStream('k-8'));
      expect([state.status, revision]).toEqual(['recorded', 1]);
    } else {
      expect(appendsTo('k-8')).toBe(soleWriter ? 1 : 2);
      expect(keyEvents).toEqual(['IdempotencyKeyClaimed', 'IdempotentResponseRecorded']);
    }
    writes.mockClear();
    const path = `/api/counter/v1/coops/${COOPS.A}/flaky`;
    await increment('k-9', undefined, fx.keys.coopA, path).expect(500);
    expect(appendsTo('k-9')).toBe(soleWriter ? 0 : 2);
    if (table) {
      expect(writes).not.toHaveBeenCalled();
      expect((await inTable(fx.store).load(keyStream('k-9'))).revision).toBeUndefined();
    }
    appends.mockRestore();
    writes.mockRestore();
  });

  it('makes a duplicate with another body wait for the first, then refuses it', async () => {
    const path = `/api/counter/v1/coops/${COOPS.A}/slow`;
    const first = increment('k-10', undefined, fx.keys.coopA, path).then((r) => r);
    await entered;
    const other = increment('k-10', { by: 1 }).then((r) => r);
    release();
    expect((await first).status).toBe(201);
    expect((await other).status).toBe(409);
    expect((await other).body.code).toBe('idempotency-key-reused');
  });

  it('makes a duplicate sent to another service on the same store wait, then refuses it', async () => {
    // The node mounts the access and operations services over one store.
    const other = createServiceApp(
      {
        service: 'other',
        version: 'v1',
        title: 'another service on the same store',
        routes: [
          defineRoute({
            method: 'POST',
            path: '/coops/{coopId}/things',
            operationId: 'makeThing',
            summary: 'Makes a thing',
            request: { params: z.strictObject({ coopId: z.string().max(64) }) },
            responses: { 201: z.object({}) },
            policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
            handler: async () => {
              otherCalls += 1;
              return { status: 201, body: {} };
            },
          }),
        ],
      },
      { ...fx.deps, idempotency: options() },
    );
    let otherCalls = 0;
    const path = `/api/counter/v1/coops/${COOPS.A}/slow`;
    const first = increment('k-11', undefined, fx.keys.coopA, path).then((r) => r);
    await entered;
    const second = request(other)
      .post(`/api/other/v1/coops/${COOPS.A}/things`)
      .set('Authorization', `Bearer ${fx.keys.coopA}`)
      .set('Idempotency-Key', 'k-11')
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect((await first).status).toBe(201);
    expect((await second).status).toBe(409);
    expect((await second).body.code).toBe('idempotency-key-reused');
    expect(otherCalls).toBe(0);
  });

  describe('bound to the credential that sent it', () => {
    let coopA2: string;
    beforeEach(async () => {
      coopA2 = (await fx.registry.create({ role: 'coop', coopId: COOPS.A, createdBy: 'test' }))
        .token;
    });
    const keyStream = (key: string) => `idempotency-${sha256Hex(`${COOPS.A}\n${key}`)}`;
    /** A key recorded by a version that did not yet bind keys to a credential. */
    const legacyRecord = async (key: string, body: object) => {
      await fx.store.append(
        keyStream(key),
        [
          {
            id: uuidv7(),
            type: 'IdempotencyKeyClaimed',
            schemaVersion: 1,
            data: {
              fingerprint: {
                method: 'POST',
                target: `${A}/increments`,
                bodySha256: sha256Hex(JSON.stringify(body)),
              },
              claimedAt: now.toISOString(),
            },
          },
          {
            id: uuidv7(),
            type: 'IdempotentResponseRecorded',
            schemaVersion: 1,
            data: {
              response: {
                status: 200,
                body: { counterId: 'c1', value: 41 },
                headers: { ETag: '"0"' },
              },
              recordedAt: now.toISOString(),
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    };

    it('replays to the same credential; another credential of the coop is refused, changing nothing', async () => {
      const first = await increment('abc', { by: 5 }).expect(200);
      await increment('abc', { by: 5 }).expect(200).expect('Idempotent-Replayed', 'true');
      for (const body of [{ by: 5 }, { by: 6 }]) {
        const other = await increment('abc', body, coopA2).expect(409);
        expect(other.body.code).toBe('idempotency-key-reused');
        expect(other.body.detail).toMatch(/another credential/);
        expect(other.headers['idempotent-replayed']).toBeUndefined();
        expect(JSON.stringify(other.body)).not.toContain(JSON.stringify(first.body));
      }
      expect(await events()).toBe(1);
      await increment('abc', { by: 5 }).expect(200).expect('Idempotent-Replayed', 'true');
    });

    it('refuses another credential under a key still running, once the first has answered', async () => {
      const path = `/api/counter/v1/coops/${COOPS.A}/slow`;
      const first = increment('k-c1', undefined, fx.keys.coopA, path).then((r) => r);
      await entered;
      const same = increment('k-c1', undefined, fx.keys.coopA, path).then((r) => r);
      const other = increment('k-c1', undefined, coopA2, path).then((r) => r);
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      expect((await first).status).toBe(201);
      expect([(await same).status, (await same).headers['idempotent-replayed']]).toEqual([
        201,
        'true',
      ]);
      expect([(await other).status, (await other).body.code]).toEqual([
        409,
        'idempotency-key-reused',
      ]);
    });

    it('does not let another credential take over a claim its holder abandoned', async () => {
      await fx.store.append(
        keyStream('k-c2'),
        [
          {
            id: uuidv7(),
            type: 'IdempotencyKeyClaimed',
            schemaVersion: 1,
            data: {
              fingerprint: {
                method: 'POST',
                target: `${A}/increments`,
                bodySha256: sha256Hex('{"by":1}'),
              },
              claimedAt: new Date(now.getTime() - 120_000).toISOString(),
              caller: { keyId: keyIdOf(fx.keys.coopA), role: 'coop' },
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      const other = await increment('k-c2', { by: 1 }, coopA2).expect(409);
      expect(other.body.code).toBe('idempotency-key-reused');
      expect(await events()).toBe(0);
      await increment('k-c2', { by: 1 }).expect(200);
      expect(await events()).toBe(1);
    });

    it('keeps a key recorded without a credential (an earlier version) bound to its coop and request', async () => {
      await legacyRecord('k-old', { by: 1 });
      for (const token of [fx.keys.coopA, coopA2]) {
        await increment('k-old', { by: 1 }, token)
          .expect(200, { counterId: 'c1', value: 41 })
          .expect('Idempotent-Replayed', 'true');
      }
      const other = await increment('k-old', { by: 2 }, coopA2).expect(409);
      expect(other.body.code).toBe('idempotency-key-reused');
      expect(await events()).toBe(0);
    });
  });

  it('refuses a malformed key with 400', async () => {
    const response = await increment('bad key with spaces', { by: 1 }).expect(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ in: 'header', parameter: 'Idempotency-Key' }),
    ]);
    await increment('x'.repeat(256), { by: 1 }).expect(400);
  });
});
