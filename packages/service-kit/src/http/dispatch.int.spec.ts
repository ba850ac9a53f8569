import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { counterService } from '../testing/counter-service';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import { defineRoute } from './route';
import { createServiceApp } from './service-app';

/** Echoes its path parameter, declared before a route its path also matches. */
const named = defineRoute({
  method: 'GET',
  path: '/coops/{coopId}/counters/latest',
  operationId: 'latestCounter',
  summary: 'Matched before the parameterised counter route',
  request: { params: z.strictObject({ coopId: z.string().max(64) }) },
  responses: { 200: z.object({ coopId: z.string() }) },
  policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
  handler: async ({ params }) => ({ status: 200, body: { coopId: params.coopId } }),
});

describe('routing a request to its operation', () => {
  let fx: KitFixture;
  let app: Express;
  const base = '/api/counter/v1/coops';
  const auth = () => ({ Authorization: `Bearer ${fx.keys.coopA}` });

  beforeAll(async () => {
    fx = await kitFixture();
    const service = counterService(fx.store);
    app = createServiceApp({ ...service, routes: [named, ...service.routes] }, fx.deps);
    await request(app)
      .post(`${base}/${COOPS.A}/counters/c1/increments`)
      .set(auth())
      .send({ by: 2 })
      .expect(200);
  });
  afterAll(() => fx.close());

  it('serves a path with one trailing slash, and HEAD through GET without a body', async () => {
    const read = await request(app).get(`${base}/${COOPS.A}/counters/c1/`).set(auth()).expect(200);
    expect(read.body).toEqual({ counterId: 'c1', value: 2 });
    const head = await request(app).head(`${base}/${COOPS.A}/counters/c1`).set(auth()).expect(200);
    expect(head.text).toBeUndefined();
    expect(head.headers.etag).toBe('"0"');
    await request(app).get(`${base}/${COOPS.A}/counters/c1//`).set(auth()).expect(404);
  });

  it('decodes parameters, and answers a malformed escape with a 400 problem', async () => {
    const latest = await request(app).get(`${base}/coop%2Da/counters/latest`).set(auth());
    expect(latest.status).toBe(200);
    expect(latest.body).toEqual({ coopId: COOPS.A });
    const bad = await request(app).get(`${base}/coop%ZZa/counters/c1`).set(auth()).expect(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body).toMatchObject({ code: 'bad-request', status: 400 });
  });

  it('takes the first route declared that matches, and paths are case-sensitive', async () => {
    await request(app).get(`${base}/${COOPS.A}/counters/latest`).set(auth()).expect(200, {
      coopId: COOPS.A,
    });
    const upper = await request(app).get(`${base}/${COOPS.A}/COUNTERS/c1`).set(auth());
    expect(upper.status).toBe(404);
    expect(upper.body).toMatchObject({ code: 'not-found' });
  });

  it('answers OPTIONS with the methods the path allows', async () => {
    const options = await request(app)
      .options(`${base}/${COOPS.A}/counters/c1/increments`)
      .expect(204);
    expect(options.headers.allow).toBe('POST');
  });
});
