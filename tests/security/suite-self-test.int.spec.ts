import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createLogger,
  createServiceRouter,
  InMemoryCoopDirectory,
  type OpenAPIObject,
  type Route,
  type ServiceModule,
} from '@kopfed/service-kit';
import { counterService } from '@kopfed/service-kit/src/testing';
import {
  allOperations,
  auditorViolations,
  credentialViolations,
  crossCoopViolations,
  documentViolations,
  malformedViolations,
} from './checks';
import type { Operation } from './operations';
import { nodeTarget, type SecurityTarget } from './target';

/**
 * The suite must fail when a route escapes the kit's policies. Such a route cannot be mounted
 * through the kit (it refuses a route without a policy), so this builds one beside it, by
 * hand, as a careless service might — and checks that the suite names what is wrong with it.
 */
const leakyDocument = {
  openapi: '3.1.0',
  info: { title: 'leaky', version: 'v1' },
  components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
  paths: {
    '/api/leaky/v1/coops/{coopId}/secrets': {
      get: {
        operationId: 'getSecrets',
        parameters: [
          { name: 'coopId', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } },
        ],
        responses: { '200': { description: 'A coop’s secrets' } },
      },
    },
    '/api/leaky/v1/coops/{coopId}/notes': {
      post: {
        operationId: 'addNote',
        security: [{ bearerAuth: [] }],
        'x-kopfed-policy': { roles: ['coop'], access: 'write', coopScope: { pathParam: 'coopId' } },
        parameters: [
          { name: 'coopId', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { text: { type: 'string', maxLength: 20 } },
                required: ['text'],
                additionalProperties: false,
              },
            },
          },
        },
        responses: { '201': { description: 'Noted' } },
      },
    },
  },
} as unknown as OpenAPIObject;

/** Answers everyone, validates nothing, and writes whatever it is sent. */
function leakyHandler(notes: string[]) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = req.url ?? '';
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url === '/api/leaky/openapi.json') return reply(200, leakyDocument);
    if (req.method === 'GET' && url.startsWith('/api/leaky/v1/coops/')) {
      return reply(200, { coopId: url.split('/')[5], secret: 'savings of every member' });
    }
    if (req.method === 'POST' && url.startsWith('/api/leaky/v1/coops/')) {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        notes.push(text);
        reply(201, { noted: notes.length });
      });
      return;
    }
    next();
  };
}

describe('the security suite itself', () => {
  let target: SecurityTarget;
  const notes: string[] = [];
  const leaky = (id: string): Operation => {
    const operation = allOperations(target).find((o) => o.id === `leaky.${id}`);
    if (!operation) throw new Error(`no operation leaky.${id}`);
    return operation;
  };

  beforeAll(async () => {
    const counter: ServiceModule = {
      name: 'counter',
      create: async ({ store }) => ({ definition: counterService(store) }),
    };
    target = await nodeTarget({
      modules: [counter],
      front: {
        handler: leakyHandler(notes),
        services: [{ name: 'leaky', document: leakyDocument }],
        heads: () => ({ leaky: notes.length }),
      },
    });
  });
  afterAll(() => target.close());

  it('cannot mount a route without a policy through the kit', () => {
    const route = {
      method: 'GET',
      path: '/things',
      operationId: 'things',
      summary: 'Things',
      responses: {},
      handler: async () => ({ status: 200, body: {} }),
    } as unknown as Route;
    const deps = {
      authenticate: async () => undefined,
      coopDirectory: new InMemoryCoopDirectory(),
      store: target.node.stores.get('counter')!,
      logger: createLogger({ level: 'silent' }),
    };
    expect(() =>
      createServiceRouter({ service: 'x', version: 'v1', title: 'x', routes: [route] }, deps),
    ).toThrow(/declares a policy/);
  });

  it('reports an operation whose document declares no policy', () => {
    expect(documentViolations('leaky', leakyDocument)).toEqual(
      expect.arrayContaining([
        'leaky.getSecrets: declares no policy (x-kopfed-policy)',
        'leaky.getSecrets: requires no credentials in its document',
      ]),
    );
  });

  it('reports a route that lets everyone through', async () => {
    expect(await credentialViolations(target, leaky('getSecrets'))).toEqual(
      expect.arrayContaining(['leaky.getSecrets: with no credentials answered 200, not 401']),
    );
    expect(await crossCoopViolations(target, leaky('getSecrets'))).toEqual([
      "leaky.getSecrets: coop B's key on coop A's resource answered 200, not 403/404",
    ]);
    expect(await credentialViolations(target, leaky('addNote'))).not.toEqual([]);
    expect(await auditorViolations(target, leaky('addNote'))).toEqual([
      "leaky.addNote: an auditor's write answered 201, not 403",
    ]);
  });

  it('reports a route that accepts malformed input and writes it', async () => {
    const report = await malformedViolations(target, leaky('addNote'), { runs: 200, seed: 7 });
    expect(report.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^leaky\.addNote: \S+ answered 201/),
        expect.stringMatching(/^leaky\.addNote: malformed requests moved the leaky store/),
      ]),
    );
  });

  it('finds nothing wrong with a service built on the kit', async () => {
    const violations = documentViolations(
      'counter',
      target.services.find((s) => s.name === 'counter')!.document,
    );
    for (const operation of allOperations(target).filter((o) => o.service === 'counter')) {
      violations.push(
        ...(await credentialViolations(target, operation)),
        ...(await crossCoopViolations(target, operation)),
        ...(await auditorViolations(target, operation)),
        ...(await malformedViolations(target, operation, { runs: 200, seed: 11 })).violations,
      );
    }
    expect(violations).toEqual([]);
  });
});
