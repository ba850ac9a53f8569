import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { EventStoreUnavailableError } from '@kopfed/eventstore';
import { counterService } from '../testing/counter-service';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import { defineRoute } from './route';
import { createServiceApp } from './service-app';

const boom = defineRoute({
  method: 'GET',
  path: '/boom',
  operationId: 'boom',
  summary: 'Fails with a secret in its stack',
  responses: { 200: z.object({}) },
  policy: { roles: ['admin'], coopScope: 'federation' },
  handler: async () => {
    throw new Error('database password is hunter2');
  },
});
/** Whether the store behind /store-writes answers; while it does not, the route's write fails. */
let storeAnswers = true;
const storeWrite = defineRoute({
  method: 'POST',
  path: '/coops/{coopId}/store-writes',
  operationId: 'writeToStore',
  summary: 'Writes to a store that is sometimes locked by another connection',
  request: { params: z.strictObject({ coopId: z.string() }), body: z.strictObject({}) },
  responses: { 201: z.object({ written: z.boolean() }) },
  policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
  handler: async () => {
    if (!storeAnswers) {
      const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      throw new EventStoreUnavailableError(busy);
    }
    return { status: 201, body: { written: true } };
  },
});
const offContract = defineRoute({
  method: 'GET',
  path: '/off-contract',
  operationId: 'offContract',
  summary: 'Answers outside its schema',
  responses: { 200: z.object({ ok: z.boolean() }) },
  policy: { roles: ['admin'], coopScope: 'federation' },
  // A buggy handler, as the type system would not let one be written.
  handler: async () => ({ status: 200, body: { ok: 'yes' as unknown as boolean } }),
});
const badLocation = defineRoute({
  method: 'GET',
  path: '/bad-location',
  operationId: 'badLocation',
  summary: 'Answers with a Location no header may carry',
  responses: { 200: z.object({ ok: z.boolean() }) },
  policy: { roles: ['admin'], coopScope: 'federation' },
  // A buggy handler: a line break in a header would split the response.
  handler: async () => ({
    status: 200,
    body: { ok: true },
    etag: 7,
    location: '/x\r\nSet-Cookie: a=b',
  }),
});
const stats = defineRoute({
  method: 'GET',
  path: '/stats',
  operationId: 'publicStats',
  summary: 'Public numbers',
  responses: { 200: z.object({ coops: z.number() }) },
  policy: 'public',
  handler: async () => ({ status: 200, body: { coops: 2 } }),
});

const batch = defineRoute({
  method: 'POST',
  path: '/coops/{coopId}/batches',
  operationId: 'sendBatch',
  summary: 'Items checked one by one later, as the member sync takes them',
  request: {
    params: z.strictObject({ coopId: z.string().max(64) }),
    body: z.strictObject({ items: z.array(z.unknown()).max(1_000) }),
  },
  responses: { 202: z.object({ received: z.number() }) },
  policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
  handler: async ({ body }) => ({ status: 202, body: { received: body.items.length } }),
});

const A = `/api/counter/v1/coops/${COOPS.A}/counters/c1`;

describe('service app', () => {
  let fx: KitFixture;
  let app: Express;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeEach(async () => {
    fx = await kitFixture();
    app = createServiceApp(
      counterService(fx.store, [boom, offContract, badLocation, stats, batch, storeWrite]),
      fx.deps,
    );
  });
  afterEach(() => fx.close());

  describe('problem details', () => {
    it('answers an unknown path with a 404 problem', async () => {
      const response = await request(app).get('/api/counter/v1/nowhere').expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: 'https://kopfed.dev/problems/not-found',
        title: 'Not found',
        status: 404,
        instance: '/api/counter/v1/nowhere',
        code: 'not-found',
      });
      expect(response.body.requestId).toBe(response.headers['x-request-id']);
      await request(app)
        .get('/elsewhere')
        .expect(404)
        .expect('Content-Type', /problem\+json/);
    });

    it('answers a wrong method on a known path with 405 and Allow', async () => {
      const response = await request(app).delete(A).expect(405);
      expect(response.headers.allow).toBe('GET, HEAD');
      expect(response.body).toMatchObject({ code: 'method-not-allowed', status: 405 });
    });

    it('names every bad field with a JSON pointer, and unknown fields too', async () => {
      const response = await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopA))
        .send({ by: 'ten', extra: 1 })
        .expect(400);
      expect(response.body.code).toBe('validation-failed');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { in: 'body', pointer: '/by', detail: expect.stringContaining('expected number') },
          { in: 'body', pointer: '/extra', detail: 'unknown field' },
        ]),
      );
    });

    it('names bad path and query parameters', async () => {
      const response = await request(app)
        .get(`/api/counter/v1/coops/${COOPS.A}/counters/NOT_VALID?limit=3`)
        .set(as(fx.keys.coopA))
        .expect(400);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ in: 'path', parameter: 'counterId' }),
          { in: 'query', parameter: 'limit', detail: 'unknown parameter' },
        ]),
      );
    });

    it('answers broken JSON, a wrong media type and a huge body with 400, 415 and 413', async () => {
      const post = () => request(app).post(`${A}/increments`).set(as(fx.keys.coopA));
      const broken = await post()
        .set('Content-Type', 'application/json')
        .send('{"by": 1,')
        .expect(400);
      expect(broken.body.code).toBe('malformed-json');
      const text = await post().set('Content-Type', 'text/plain').send('by=1').expect(415);
      expect(text.body.code).toBe('unsupported-media-type');
      const huge = await post()
        .send({ by: 1, note: 'x'.repeat(2 * 1024 * 1024) })
        .expect(413);
      expect(huge.body.code).toBe('payload-too-large');
      const scalar = await post().set('Content-Type', 'application/json').send('"1"').expect(400);
      expect(scalar.body.code).toBe('malformed-json');
    });

    it('reads a body sent as another JSON type (application/*+json) instead of dropping it', async () => {
      const post = (type: string, text: string) =>
        request(app)
          .post(`${A}/increments`)
          .set(as(fx.keys.coopA))
          .set('Content-Type', type)
          .send(text);
      await post('application/merge-patch+json', '{"by":3}').expect(200, {
        counterId: 'c1',
        value: 3,
      });
      const unknownField = await post('application/vnd.kopfed+json', '{"by":1,"x":1}').expect(400);
      expect(unknownField.body.errors).toEqual([
        { in: 'body', pointer: '/x', detail: 'unknown field' },
      ]);
      await request(app).get(A).set(as(fx.keys.coopA)).expect(200, { counterId: 'c1', value: 3 });
    });

    it('refuses a body that names a member twice, at any depth and on either path', async () => {
      const post = (text: string, type = 'application/json') =>
        request(app)
          .post(`/api/counter/v1/coops/${COOPS.A}/batches`)
          .set(as(fx.keys.coopA))
          .set('Content-Type', type)
          .set('Idempotency-Key', `dup-${text.length}-${type.length}`)
          .send(text);
      for (const [text, pointer] of [
        ['{"items":[1],"items":[1,2]}', '/items'],
        ['{"items":[{"a":1},{"a":1,"b":{"c":1,"\\u0063":2}}]}', '/items/1/b/c'],
        ['{"items":[{"a/b~":{"x":1,"x":1}}]}', '/items/0/a~1b~0/x'],
      ]) {
        for (const type of ['application/json', 'application/json; charset="utf-8"']) {
          const twice = await post(text as string, type).expect(400);
          expect(twice.body).toMatchObject({
            code: 'bad-request',
            errors: [{ in: 'body', pointer, detail: 'named twice' }],
          });
        }
      }
      const siblings = '{"items":[{"a":1,"s":"\\"a\\":{,"},{"a":2,"s":"}]"},["a","a"]]}';
      await post(siblings).expect(202, { received: 3 });
      await post(siblings, 'application/json; charset="utf-8"').expect(202, { received: 3 });
    });

    it('refuses a body nested deeper than 64 levels with 400, keyed or not, and takes 64', async () => {
      const nested = (depth: number) =>
        `{"items":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
      const post = (text: string, key?: string) => {
        const req = request(app)
          .post(`/api/counter/v1/coops/${COOPS.A}/batches`)
          .set(as(fx.keys.coopA))
          .set('Content-Type', 'application/json');
        return (key ? req.set('Idempotency-Key', key) : req).send(text);
      };
      await post(nested(64), 'deep-ok').expect(202, { received: 1 });
      for (const [depth, key] of [
        [65, undefined],
        [65, 'deep-1'],
        [100_000, 'deep-2'],
      ] as const) {
        const deep = await post(nested(depth), key).expect(400);
        expect(deep.body).toMatchObject({
          code: 'bad-request',
          status: 400,
          errors: [{ in: 'body', detail: 'nested too deep' }],
        });
        expect(deep.body.detail).toContain('64');
      }
      // A quoted charset is not the plain form read directly: Express's parser reads it.
      const parsed = await request(app)
        .post(`/api/counter/v1/coops/${COOPS.A}/batches`)
        .set(as(fx.keys.coopA))
        .set('Content-Type', 'application/json; charset="utf-8"')
        .set('Idempotency-Key', 'deep-3')
        .send(nested(100_000))
        .expect(400);
      expect(parsed.body.code).toBe('bad-request');
    });

    it('maps a domain refusal to 422 with its code, pointer and details', async () => {
      await request(app).post(`${A}/increments`).set(as(fx.keys.coopA)).send({ by: 100 });
      for (let i = 0; i < 9; i++) {
        await request(app).post(`${A}/increments`).set(as(fx.keys.coopA)).send({ by: 100 });
      }
      const response = await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopA))
        .send({ by: 1 })
        .expect(422);
      expect(response.body).toMatchObject({
        type: 'https://kopfed.dev/problems/counter-limit',
        code: 'counter-limit',
        errors: [{ in: 'body', pointer: '/by' }],
        details: { max: 1000 },
      });
    });

    it('maps a missing aggregate to 404 with the domain code', async () => {
      const response = await request(app).get(A).set(as(fx.keys.coopA)).expect(404);
      expect(response.body.code).toBe('counter-not-found');
    });

    it('never sends a stack or an internal message; logs them with the request id', async () => {
      const response = await request(app)
        .get('/api/counter/v1/boom')
        .set(as(fx.keys.admin))
        .expect(500);
      expect(response.body).toMatchObject({
        code: 'internal-error',
        requestId: response.headers['x-request-id'],
      });
      expect(response.text).not.toMatch(/hunter2|at .*\.ts|stack/);
      const logged = fx.logs.find((line) => line.includes('hunter2'));
      expect(logged).toContain(response.headers['x-request-id']);
    });

    it('answers 503 with Retry-After when the store does not answer, logs a warning, keeps nothing', async () => {
      const write = () =>
        request(app)
          .post(`/api/counter/v1/coops/${COOPS.A}/store-writes`)
          .set(as(fx.keys.coopA))
          .set('Idempotency-Key', 'store-write-1')
          .send({});
      storeAnswers = false;
      const refused = await write().expect(503);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.body).toMatchObject({
        code: 'unavailable',
        status: 503,
        detail: 'The event store did not answer; try again shortly.',
      });
      const warnings = fx.logs
        .map((line) => JSON.parse(line) as { level: number; requestId?: string })
        .filter((line) => line.level === 40);
      expect(warnings).toEqual([
        expect.objectContaining({
          requestId: refused.headers['x-request-id'],
          err: expect.objectContaining({ message: expect.stringMatching(/database is locked/) }),
        }),
      ]);
      // Not kept for the Idempotency-Key: the same request, sent again, runs.
      storeAnswers = true;
      const written = await write().expect(201);
      expect(written.headers['idempotent-replayed']).toBeUndefined();
    });

    it('answers 500 when a handler breaks its own response schema', async () => {
      const response = await request(app)
        .get('/api/counter/v1/off-contract')
        .set(as(fx.keys.admin));
      expect(response.status).toBe(500);
      expect(response.text).not.toContain('yes');
    });

    it('answers 500 with none of the failed answer’s headers when one cannot be sent', async () => {
      const response = await request(app)
        .get('/api/counter/v1/bad-location')
        .set(as(fx.keys.admin));
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers.etag).toBeUndefined();
      expect(response.headers.location).toBeUndefined();
      expect(response.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('request ids and logs', () => {
    it('echoes a valid X-Request-Id and replaces an unsafe one', async () => {
      const kept = await request(app).get('/health/live').set('X-Request-Id', 'abc-123');
      expect(kept.headers['x-request-id']).toBe('abc-123');
      const replaced = await request(app).get('/health/live').set('X-Request-Id', 'a\tb<script>');
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('carries correlation, causation, actor, coop and the caller’s trace into the events', async () => {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const response = await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopA))
        .set('X-Correlation-Id', 'sync-batch-9')
        .set('traceparent', traceparent)
        .send({ by: 1 })
        .expect(200);
      const [event] = await fx.store.readStream(`counter-${COOPS.A}.c1`);
      expect(event!.metadata).toMatchObject({
        correlationId: 'sync-batch-9',
        causationId: response.headers['x-request-id'],
        actor: (await fx.registry.authenticate(fx.keys.coopA))!.keyId,
        coopId: COOPS.A,
        traceparent: expect.stringMatching(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/),
      });
    });

    it('logs one line per request without keys, bodies or concrete paths', async () => {
      await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopA))
        .set('X-Request-Id', 'req-logged')
        .send({ by: 3, note: 'Siti Rahayu' })
        .expect(200);
      const line = fx.logs.find((l) => l.includes('req-logged'));
      expect(JSON.parse(line!)).toMatchObject({
        route: 'POST /coops/{coopId}/counters/{counterId}/increments',
        status: 200,
        service: 'counter',
      });
      const all = fx.logs.join('\n');
      expect(all).not.toContain(fx.keys.coopA);
      expect(all).not.toContain('Siti');
      expect(all).not.toContain(COOPS.A);
    });
  });

  describe('health', () => {
    it('reports live and ready', async () => {
      await request(app).get('/health/live').expect(200, { status: 'live' });
      await request(app).get('/health/ready').expect(200, { status: 'ready' });
    });

    it('is not ready once its store is closed', async () => {
      await fx.store.close();
      const response = await request(app).get('/health/ready').expect(503);
      expect(response.body.code).toBe('unavailable');
      expect(response.headers['retry-after']).toBe('5');
    });
  });
});
