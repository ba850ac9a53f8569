import request from 'supertest';
import { z } from 'zod';
import { accessService } from '../access/routes';
import { defineRoute, type Route } from '../http/route';
import { createServiceApp } from '../http/service-app';
import { counterService } from '../testing/counter-service';
import { kitFixture, type KitFixture } from '../testing/kit-fixture';
import { openApiProblems } from '../testing/openapi-validation';
import { buildOpenApiDocument } from './document';

describe('OpenAPI documents', () => {
  let fx: KitFixture;
  beforeAll(async () => (fx = await kitFixture()));
  afterAll(() => fx.close());

  it('serves a valid OpenAPI 3.1 document for each service, generated from its routes', async () => {
    for (const [definition, store] of [
      [accessService(fx.registry), fx.accessStore],
      [counterService(fx.store), fx.store],
    ] as const) {
      const app = createServiceApp(definition, { ...fx.deps, store });
      const { body } = await request(app)
        .get(`/api/${definition.service}/openapi.json`)
        .expect(200);
      expect(openApiProblems(body)).toEqual([]);
      expect(body.openapi).toBe('3.1.0');
      const operations = Object.values(
        body.paths as Record<string, Record<string, unknown>>,
      ).flatMap(Object.values);
      expect(operations).toHaveLength(definition.routes.length);
    }
  });

  it('publishes each operation’s policy, security, and problem responses', () => {
    const document = buildOpenApiDocument(counterService(fx.store));
    const increment =
      document.paths?.['/api/counter/v1/coops/{coopId}/counters/{counterId}/increments']?.post;
    expect(increment).toMatchObject({
      operationId: 'incrementCounter',
      security: [{ bearerAuth: [] }],
      'x-kopfed-policy': {
        roles: ['coop', 'treasurer', 'admin'],
        access: 'write',
        coopScope: { pathParam: 'coopId' },
      },
    });
    expect(Object.keys(increment!.responses ?? {})).toEqual(
      expect.arrayContaining([
        '200',
        '400',
        '401',
        '403',
        '404',
        '409',
        '412',
        '413',
        '415',
        '422',
        '429',
        '500',
        '503',
      ]),
    );
    for (const status of ['429', '503'] as const) {
      const answer = increment!.responses?.[status];
      expect(answer && 'headers' in answer ? Object.keys(answer.headers ?? {}) : []).toEqual([
        'Retry-After',
      ]);
    }
    const headers = (increment!.parameters ?? []).map((p) => ('name' in p ? p.name : ''));
    expect(headers).toEqual(
      expect.arrayContaining(['Idempotency-Key', 'If-Match', 'coopId', 'counterId']),
    );
    expect(document.components?.schemas?.Problem).toBeDefined();
  });

  it('notices a broken document', () => {
    expect(openApiProblems({ openapi: '3.1.0', info: { title: 't' }, paths: {} })).not.toEqual([]);
    const badSchema = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: { schemas: { Money: { type: 'strin' } } },
    };
    expect(openApiProblems(badSchema)).toEqual([
      expect.stringContaining('/components/schemas/Money'),
    ]);
  });
});

describe('route tables the kit refuses to mount', () => {
  let fx: KitFixture;
  beforeAll(async () => (fx = await kitFixture()));
  afterAll(() => fx.close());

  const base = {
    method: 'GET',
    path: '/coops/{coopId}/things',
    operationId: 'things',
    summary: 'Things',
    request: { params: z.strictObject({ coopId: z.string().max(64) }) },
    responses: { 200: z.object({}) },
    policy: { roles: ['coop'], coopScope: { pathParam: 'coopId' } },
    handler: async () => ({ status: 200 as const, body: {} }),
  } as const;
  const mount = (...routes: Route[]) =>
    createServiceApp({ service: 'x', version: 'v1', title: 'x', routes }, fx.deps);
  const route = (overrides: Record<string, unknown>) =>
    ({ ...base, ...overrides }) as unknown as Route;

  it('mounts a well-formed route', () => {
    expect(() => mount(defineRoute(base))).not.toThrow();
    const strictQuery = z.object({ limit: z.string().max(3) }).strict();
    expect(() => mount(route({ request: { ...base.request, query: strictQuery } }))).not.toThrow();
  });

  it.each([
    ['a route without a policy', { policy: undefined }, /declares a policy/],
    [
      'a scope on a parameter the path lacks',
      { policy: { roles: ['coop'], coopScope: { pathParam: 'memberId' } } },
      /memberId/,
    ],
    ['a public write', { method: 'POST', policy: 'public' }, /only reads can be public/],
    ['undeclared path parameters', { request: {} }, /exactly the path parameters/],
    [
      'a lax query',
      { request: { ...base.request, query: z.object({ limit: z.string().max(3) }) } },
      /strict object/,
    ],
    [
      'a query that passes unknown keys through',
      { request: { ...base.request, query: z.looseObject({ limit: z.string().max(3) }) } },
      /strict object/,
    ],
    [
      'a lax nested body object',
      {
        method: 'POST',
        request: {
          ...base.request,
          body: z.strictObject({ inner: z.object({ a: z.string().max(3) }) }),
        },
      },
      /request body objects must be strict.*inner/,
    ],
    [
      'a nested body object that takes any other field',
      {
        method: 'POST',
        request: {
          ...base.request,
          body: z.strictObject({ inner: z.looseObject({ a: z.string().max(3) }) }),
        },
      },
      /request body objects must be strict.*inner/,
    ],
    ['a bad path', { path: '/coops/:coopId/things' }, /path/],
  ])('refuses %s', (_what, overrides, message) => {
    expect(() => mount(route(overrides))).toThrow(message);
  });

  it('refuses the same route twice', () => {
    expect(() => mount(defineRoute(base), route({ operationId: 'again' }))).toThrow(/twice/);
  });
});
