import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { TokenBucketLimiter } from '../rate-limit/token-bucket';
import { counterService } from '../testing/counter-service';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import { defineRoute } from './route';
import { createServiceApp } from './service-app';

const stats = defineRoute({
  method: 'GET',
  path: '/stats',
  operationId: 'publicStats',
  summary: 'Public numbers',
  responses: { 200: z.object({ coops: z.number() }) },
  policy: 'public',
  handler: async () => ({ status: 200, body: { coops: 2 } }),
});

const A = `/api/counter/v1/coops/${COOPS.A}/counters/c1`;

describe('service app guards', () => {
  let fx: KitFixture;
  let app: Express;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeEach(async () => {
    fx = await kitFixture();
    app = createServiceApp(counterService(fx.store, [stats]), fx.deps);
  });
  afterEach(() => fx.close());

  describe('authentication and authorisation', () => {
    it('wants credentials: 401 with WWW-Authenticate', async () => {
      const none = await request(app).get(A).expect(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="kopfed"');
      expect(none.body.code).toBe('unauthenticated');
      const bad = await request(app)
        .get(A)
        .set(as('kpf_0000000000000000_' + 'x'.repeat(43)))
        .expect(401);
      expect(bad.headers['www-authenticate']).toContain('invalid_token');
      await request(app).get(A).set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
    });

    it('keeps a coop to its own data, before looking at the body', async () => {
      const other = await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopB))
        .send({ by: 'not even valid' })
        .expect(403);
      expect(other.body.code).toBe('forbidden');
      await request(app).post(`${A}/increments`).set(as(fx.keys.coopA)).send({ by: 1 }).expect(200);
      const read = await request(app).get(A).set(as(fx.keys.coopB)).expect(403);
      expect(read.text).not.toContain('"value"');
    });

    it('lets the parent’s treasurer reach member coops, and the auditor read but not write', async () => {
      await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.treasurerP))
        .send({ by: 2 })
        .expect(200);
      await request(app)
        .get(A)
        .set(as(fx.keys.auditorP))
        .expect(200, { counterId: 'c1', value: 2 });
      const write = await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.auditorP))
        .send({ by: 1 })
        .expect(403);
      expect(write.body.detail).toContain('auditor');
    });

    it('keeps a treasurer out of coops outside its subtree', async () => {
      fx.directory.setParent('coop-x', 'coop-q');
      await request(app)
        .get('/api/counter/v1/coops/coop-x/counters/c1')
        .set(as(fx.keys.treasurerP))
        .expect(403);
    });

    it('serves public routes without credentials', async () => {
      await request(app).get('/api/counter/v1/stats').expect(200, { coops: 2 });
    });

    it('stops a revoked key at once', async () => {
      const { key } = await fx.registry
        .create({ role: 'coop', coopId: COOPS.A, createdBy: 't' })
        .then(async (created) => {
          await request(app)
            .post(`${A}/increments`)
            .set(as(created.token))
            .send({ by: 1 })
            .expect(200);
          await fx.registry.revoke(created.key.keyId, { revokedBy: 't' });
          await request(app)
            .post(`${A}/increments`)
            .set(as(created.token))
            .send({ by: 1 })
            .expect(401);
          return created;
        });
      expect(fx.registry.statusOf(fx.registry.get(key.keyId)!)).toBe('revoked');
    });
  });

  describe('ETag and If-Match', () => {
    it('returns the revision as ETag and refuses a stale If-Match with 412', async () => {
      const first = await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopA))
        .send({ by: 1 })
        .expect(200);
      expect(first.headers.etag).toBe('"0"');
      const read = await request(app).get(A).set(as(fx.keys.coopA)).expect(200);
      expect(read.headers.etag).toBe('"0"');
      await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopA))
        .set('If-Match', '"0"')
        .send({ by: 1 })
        .expect(200)
        .expect('ETag', '"1"');
      const stale = await request(app)
        .post(`${A}/increments`)
        .set(as(fx.keys.coopA))
        .set('If-Match', '"0"')
        .send({ by: 1 })
        .expect(412);
      expect(stale.body.code).toBe('precondition-failed');
      await request(app).get(A).set(as(fx.keys.coopA)).expect(200, { counterId: 'c1', value: 2 });
    });

    it('answers a read whose If-Match is not the current ETag with 412', async () => {
      await request(app).post(`${A}/increments`).set(as(fx.keys.coopA)).send({ by: 1 });
      await request(app).post(`${A}/increments`).set(as(fx.keys.coopA)).send({ by: 1 });
      const stale = await request(app).get(A).set(as(fx.keys.coopA)).set('If-Match', '"0"');
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('precondition-failed');
      expect(stale.text).not.toContain('"value"');
      await request(app)
        .get(A)
        .set(as(fx.keys.coopA))
        .set('If-Match', '"1"')
        .expect(200, { counterId: 'c1', value: 2 });
      await request(app).get(A).set(as(fx.keys.coopA)).set('If-Match', '*').expect(200);
    });

    it('answers a malformed If-Match with 400 and a foreign tag with 412', async () => {
      const post = (ifMatch: string) =>
        request(app)
          .post(`${A}/increments`)
          .set(as(fx.keys.coopA))
          .set('If-Match', ifMatch)
          .send({ by: 1 });
      await post('zero').expect(400);
      await post('W/"0"').expect(412);
      await post('"abc"').expect(412);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once a key has spent its burst', async () => {
      let nowMs = 0;
      const limited = createServiceApp(counterService(fx.store), {
        ...fx.deps,
        rateLimiter: new TokenBucketLimiter({ ratePerSecond: 1, burst: 2 }, { nowMs: () => nowMs }),
      });
      await request(limited).get(A).set(as(fx.keys.coopA)).expect(404);
      await request(limited).get(A).set(as(fx.keys.coopA)).expect(404);
      const refused = await request(limited).get(A).set(as(fx.keys.coopA)).expect(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body.code).toBe('rate-limited');
      await request(limited).get(A).set(as(fx.keys.coopB)).expect(403);
      nowMs += 1_000;
      await request(limited).get(A).set(as(fx.keys.coopA)).expect(404);
    });
  });
});
