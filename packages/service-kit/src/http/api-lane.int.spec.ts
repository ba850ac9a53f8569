import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express_, { type Express, type RequestHandler } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { initTracing, SpanKind } from '@kopfed/tracing';
import { counterService } from '../testing/counter-service';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import { mountServices } from './api-lane';
import { createBaseApp, notFoundHandler, problemErrorHandler } from './fallbacks';
import { defineRoute } from './route';
import { createServiceRouter } from './service-router';

/** Echoes its query, to compare how both ways in parse one. */
const search = defineRoute({
  method: 'GET',
  path: '/coops/{coopId}/search',
  operationId: 'searchCounters',
  summary: 'Echoes its query',
  request: {
    params: z.strictObject({ coopId: z.string().max(64) }),
    query: z.strictObject({
      q: z.string().max(20).optional(),
      limit: z.coerce.number().optional(),
    }),
  },
  responses: { 200: z.object({ q: z.string().nullable(), limit: z.number().nullable() }) },
  policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
  handler: async ({ query }) => ({
    status: 200,
    body: { q: query.q ?? null, limit: query.limit ?? null },
  }),
});

interface Side {
  fx: KitFixture;
  app: Express;
  /** Requests that reached Express's router, counted by a middleware ahead of the service. */
  throughExpress: () => number;
}

/** The counter service in an app, mounted with its lane or (`lane: false`) through Express alone. */
async function side(lane: boolean): Promise<Side> {
  const fx = await kitFixture();
  const service = counterService(fx.store, [search]);
  const http = createServiceRouter(service, fx.deps);
  const app = createBaseApp();
  let seen = 0;
  const count: RequestHandler = (_req, _res, next) => {
    seen += 1;
    next();
  };
  app.use(count);
  if (lane) mountServices(app, [http]);
  else app.use(http.router);
  app.use(notFoundHandler());
  app.use(problemErrorHandler(fx.deps.logger));
  return { fx, app, throughExpress: () => seen };
}

type Who = 'coopA' | 'coopB' | 'none';
interface Exchange {
  method: 'get' | 'post' | 'put' | 'head';
  path: string;
  who?: Who;
  headers?: Record<string, string>;
  body?: string;
}

const base = `/api/counter/v1/coops/${COOPS.A}`;
const json = { 'Content-Type': 'application/json' };
/** Every kind of answer a route gives, and the ones the lane leaves to Express. */
const exchanges: Exchange[] = [
  { method: 'get', path: `${base}/counters/c1` },
  { method: 'post', path: `${base}/counters/c1/increments`, headers: json, body: '{"by":2}' },
  { method: 'post', path: `${base}/counters/c1/increments/`, headers: json, body: '{"by":3}' },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    headers: { ...json, 'If-Match': '"7"' },
    body: '{"by":1}',
  },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    headers: { ...json, 'Idempotency-Key': 'k-1' },
    body: '{"by":4}',
  },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    headers: { ...json, 'Idempotency-Key': 'k-1' },
    body: '{"by":4}',
  },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    headers: { ...json, 'Idempotency-Key': 'k-1' },
    body: '{"by":5}',
  },
  { method: 'post', path: `${base}/counters/c1/increments`, headers: json, body: '{"by":0,"x":1}' },
  { method: 'post', path: `${base}/counters/c1/increments`, headers: json, body: '{"by":' },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    headers: { 'Content-Type': 'text/plain' },
    body: '{"by":1}',
  },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: '{"by":1}',
  },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    who: 'none',
    headers: json,
    body: '{}',
  },
  {
    method: 'post',
    path: `${base}/counters/c1/increments`,
    who: 'coopB',
    headers: json,
    body: '{}',
  },
  { method: 'get', path: `${base}/counters/c1` },
  { method: 'get', path: `${base}/counters/c1?x=1` },
  { method: 'get', path: `${base}/counters/nope` },
  { method: 'get', path: `${base}/counters/c1`, headers: { 'If-None-Match': '"1"' } },
  { method: 'head', path: `${base}/counters/c1` },
  { method: 'get', path: `${base}/search?q=abc&limit=5` },
  { method: 'get', path: `${base}/search?limit=5&limit=6` },
  { method: 'get', path: `${base}/search?q=a%20b&q` },
  { method: 'get', path: `${base}/counters/%E0%A4%A` },
  { method: 'get', path: `${base}/nothing-here` },
  { method: 'put', path: `${base}/counters/c1`, headers: json, body: '{}' },
  // A fragment (clients should not send one, some do): Express's router reads the path and
  // the query without it.
  { method: 'get', path: `${base}/counters/c1#top` },
  { method: 'get', path: `${base}/search?q=abc#top` },
  { method: 'get', path: `${base}/counters/c1?#` },
  {
    method: 'post',
    path: `${base}/counters/c1/increments#x`,
    headers: { ...json, 'Idempotency-Key': 'k-2' },
    body: '{"by":1}',
  },
];

const COMPARED_HEADERS = [
  'content-type',
  'content-length',
  'etag',
  'location',
  'allow',
  'www-authenticate',
  'idempotent-replayed',
  'retry-after',
];

async function answer(s: Side, e: Exchange) {
  // supertest drops a URL's fragment before sending: those go out as written.
  if (e.path.includes('#')) return answerAsWritten(s, e);
  let req = request(s.app)[e.method](e.path);
  const token = e.who === 'none' ? undefined : s.fx.keys[e.who ?? 'coopA'];
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(e.headers ?? {})) req = req.set(name, value);
  const res = e.body === undefined ? await req : await req.send(e.body);
  return compared(res.status, res.headers, res.text ?? '');
}

/** The exchange sent with its path exactly as written, through a server listening on the app. */
async function answerAsWritten(s: Side, e: Exchange) {
  const server = createServer(s.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const token = e.who === 'none' ? undefined : s.fx.keys[e.who ?? 'coopA'];
    const res = await new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: (server.address() as AddressInfo).port,
            method: e.method.toUpperCase(),
            path: e.path,
            headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...e.headers },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
            );
          },
        );
        req.on('error', reject);
        req.end(e.body);
      },
    );
    return compared(res.status, res.headers, res.text);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function compared(status: number, responseHeaders: IncomingHttpHeaders, body: string) {
  const requestId = responseHeaders['x-request-id'];
  const headers = Object.fromEntries(COMPARED_HEADERS.map((h) => [h, responseHeaders[h]]));
  // The request id is new per request: compared as present, and where the body repeats it.
  const text = typeof requestId === 'string' ? body.split(requestId).join('<request-id>') : body;
  return { status, headers, text, hasRequestId: requestId !== undefined };
}

describe('the API lane', () => {
  let lane: Side;
  let express: Side;

  beforeAll(async () => {
    lane = await side(true);
    express = await side(false);
  });
  afterAll(async () => {
    await lane.fx.close();
    await express.fx.close();
  });

  it('answers every request exactly as Express’s router does', async () => {
    for (const exchange of exchanges) {
      const viaLane = await answer(lane, exchange);
      const viaExpress = await answer(express, exchange);
      expect({ exchange, answer: viaLane }).toEqual({ exchange, answer: viaExpress });
      expect(viaLane.hasRequestId).toBe(true);
    }
  });

  it('serves a route’s requests without Express, and leaves it the rest', async () => {
    const before = lane.throughExpress();
    await request(lane.app)
      .post(`${base}/counters/c2/increments`)
      .set('Authorization', `Bearer ${lane.fx.keys.coopA}`)
      .send({ by: 1 })
      .expect(200);
    const read = await request(lane.app)
      .get(`${base}/counters/c2`)
      .set('Authorization', `Bearer ${lane.fx.keys.coopA}`)
      .expect(200);
    expect(lane.throughExpress()).toBe(before);
    // HEAD, conditional reads, unknown paths, other methods, bad escapes: Express's.
    await request(lane.app).head(`${base}/counters/c2`).expect(401);
    await request(lane.app)
      .get(`${base}/counters/c2`)
      .set('Authorization', `Bearer ${lane.fx.keys.coopA}`)
      .set('If-None-Match', read.headers.etag as string)
      .expect(304);
    await request(lane.app).get(`${base}/none`).expect(404);
    await request(lane.app).put(`${base}/counters/c2`).expect(405);
    await request(lane.app).get(`${base}/counters/%E0%A4%A`).expect(400);
    await request(lane.app).get('/api/counter/openapi.json').expect(200);
    expect(lane.throughExpress()).toBe(before + 6);
  });

  it('answers alike when the app is mounted in a parent Express app', async () => {
    // A parent app gives the request Express's prototype first (its `query` a getter alone).
    const parent = express_();
    parent.use(lane.app);
    for (const exchange of exchanges) {
      const viaParent = await answer({ ...lane, app: parent }, exchange);
      const viaExpress = await answer(express, exchange);
      expect({ exchange, answer: viaParent }).toEqual({ exchange, answer: viaExpress });
    }
  });

  it('answers alike when its app is mounted under a path in a parent Express app', async () => {
    // Express keeps the URL as received in originalUrl (problem details' instance, the
    // Idempotency-Key's fingerprint, the span's name) and strips the mount path from url.
    const mounted = (s: Side): Side => ({ ...s, app: express_().use('/node', s.app) });
    for (const exchange of exchanges) {
      const under = { ...exchange, path: `/node${exchange.path}` };
      const viaLane = await answer(mounted(lane), under);
      const viaExpress = await answer(mounted(express), under);
      expect({ exchange: under, answer: viaLane }).toEqual({ exchange: under, answer: viaExpress });
    }
  });

  it('logs a lane request as the router would: route template, status, key', async () => {
    lane.fx.logs.length = 0;
    await request(lane.app)
      .post(`${base}/counters/c3/increments`)
      .set('Authorization', `Bearer ${lane.fx.keys.coopA}`)
      .send({ by: 1 })
      .expect(200);
    const line = lane.fx.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request');
    expect(line).toMatchObject({
      route: 'POST /coops/{coopId}/counters/{counterId}/increments',
      status: 200,
      method: 'POST',
    });
    expect(line?.keyId).toEqual(expect.any(String));
  });
});

describe('the API lane while tracing records', () => {
  type Exporter = NonNullable<Parameters<typeof initTracing>[0]['exporter']>;
  type Finished = Parameters<Exporter['export']>[0][number];
  const finished: Finished[] = [];
  const exporter: Exporter = {
    export: (spans, done) => {
      finished.push(...spans);
      done({ code: 0 });
    },
    shutdown: async () => undefined,
  };
  let tracing: ReturnType<typeof initTracing>;
  // Started here, not as the file loads, so the tests above run untraced; spans then stay
  // recorded for the rest of the process, so these tests come last.
  beforeAll(() => {
    tracing = initTracing({ serviceName: 'api-lane-test', exporter });
  });
  afterAll(() => tracing.shutdown());

  it('makes the server span Express’s router makes, under a parent app’s mount path too', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const spansOf = async (lane: boolean) => {
      const s = await side(lane);
      try {
        for (const app of [s.app, express_().use('/node', s.app)]) {
          const prefix = app === s.app ? '' : '/node';
          await request(app)
            .post(`${prefix}${base}/counters/c1/increments`)
            .set('Authorization', `Bearer ${s.fx.keys.coopA}`)
            .set('traceparent', traceparent)
            .send({ by: 1 })
            .expect(200);
          await request(app).get(`${prefix}${base}/counters/c1`).expect(401);
        }
      } finally {
        await s.fx.close();
      }
      // The server spans; a request without a traceparent starts a trace of its own.
      return finished
        .splice(0)
        .filter((span) => span.kind === SpanKind.SERVER)
        .map((span) => ({
          name: span.name,
          attributes: span.attributes,
          continued: span.spanContext().traceId === traceparent.split('-')[1],
        }));
    };
    const viaLane = await spansOf(true);
    const viaExpress = await spansOf(false);
    expect(viaLane).toEqual(viaExpress);
    expect(viaLane.map((span) => span.name)).toEqual(
      expect.arrayContaining([
        `POST ${base}/counters/c1/increments`,
        `POST /node${base}/counters/c1/increments`,
        `GET /node${base}/counters/c1`,
      ]),
    );
  });
});
