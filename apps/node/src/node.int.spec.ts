import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { z } from 'zod';
import { savingsModule } from '@kopfed/savings';
import type { ServiceModule } from '@kopfed/service-kit';
import {
  counterService,
  localIdentityProvider,
  openApiProblems,
} from '@kopfed/service-kit/src/testing';
import { createLogger, defineRoute } from '@kopfed/service-kit';
import { createNode, type FederationNode } from './node';
import { serveNode } from './serve';
import { SERVICE_MODULES } from './services';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-node-'));
  dirs.push(dir);
  return dir;
};
// Runs after each describe's own afterEach has closed its node.
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('federation node', () => {
  let node: FederationNode | undefined;
  afterEach(async () => {
    await node?.close();
    node = undefined;
  });

  it('opens one store per service and for access, and reports them on /health', async () => {
    const dir = dataDir();
    node = await createNode({ dataDir: dir });
    const response = await request(node.app).get('/health').expect(200);
    // Audit's own store holds the node's signing key from the start; access, the bootstrap key.
    expect(response.body).toEqual({
      status: 'ok',
      stores: [
        ...SERVICE_MODULES.map(({ name }) => ({
          service: name,
          headPosition: name === 'audit' ? expect.any(Number) : 0,
        })),
        { service: 'access', headPosition: expect.any(Number) },
      ],
      deadLetters: { waiting: 0 },
    });
    for (const service of [...SERVICE_MODULES.map((m) => m.name), 'access']) {
      expect(existsSync(join(dir, `${service}.db`))).toBe(true);
    }
    await request(node.app).get('/health/live').expect(200, { status: 'live' });
    await request(node.app).get('/health/ready').expect(200, { status: 'ready' });
  });

  it('creates a bootstrap admin key on first start only, and it survives a restart', async () => {
    const dir = dataDir();
    node = await createNode({ dataDir: dir });
    expect(node.bootstrap).toMatchObject({ created: true, token: expect.stringMatching(/^kpf_/) });
    const token = node.bootstrap.created ? node.bootstrap.token! : '';
    await node.close();
    node = await createNode({ dataDir: dir });
    expect(node.bootstrap).toEqual({ created: false });
    const me = await request(node.app).get('/api/access/v1/me').set(bearer(token)).expect(200);
    expect(me.body).toMatchObject({ role: 'admin', coopId: 'federation' });
  });

  it('uses KOPFED_ADMIN_KEY for the bootstrap key, without handing it back', async () => {
    const adminKey = `kpf_a1b2c3d4e5f60718_${'k'.repeat(43)}`;
    node = await createNode({ dataDir: dataDir(), adminKey, adminCoopId: 'inkopdit' });
    expect(node.bootstrap).toEqual({ created: true, keyId: 'a1b2c3d4e5f60718' });
    await request(node.app).get('/api/access/v1/me').set(bearer(adminKey)).expect(200, {
      keyId: 'a1b2c3d4e5f60718',
      role: 'admin',
      coopId: 'inkopdit',
    });
  });

  it('lists its services and serves each one’s valid OpenAPI document', async () => {
    node = await createNode({ dataDir: dataDir() });
    const index = await request(node.app).get('/api').expect(200);
    const names = ['access', 'operations', ...SERVICE_MODULES.map((m) => m.name)];
    expect(index.body.services).toEqual(
      names.map((name) => ({
        name,
        baseUrl: `/api/${name}/v1`,
        openapiUrl: `/api/${name}/openapi.json`,
      })),
    );
    for (const name of names) {
      const openapi = await request(node.app).get(`/api/${name}/openapi.json`).expect(200);
      expect({ name, problems: openApiProblems(openapi.body) }).toEqual({ name, problems: [] });
    }
    const missing = await request(node.app).get('/nowhere').expect(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
  });

  it('mounts every service module under /api/<name>/v1, over a store of its own', async () => {
    const counter: ServiceModule = {
      name: 'counter',
      create: async ({ store }) => ({ definition: counterService(store) }),
    };
    const dir = dataDir();
    node = await createNode({ dataDir: dir, modules: [counter] });
    node.coopDirectory.setParent('coop-a', 'coop-p');
    const token = node.bootstrap.created ? node.bootstrap.token! : '';
    const { body } = await request(node.app)
      .post('/api/access/v1/keys')
      .set(bearer(token))
      .send({ role: 'treasurer', coopId: 'coop-p' })
      .expect(201);
    await request(node.app)
      .post('/api/counter/v1/coops/coop-a/counters/c1/increments')
      .set(bearer((body as { token: string }).token))
      .send({ by: 4 })
      .expect(200, { counterId: 'c1', value: 4 });
    await request(node.app).get('/api/counter/openapi.json').expect(200);
    expect(await node.stores.get('counter')!.headPosition()).toBe(1);
    expect(existsSync(join(dir, 'counter.db'))).toBe(true);
  });

  it('refuses two modules with one name, or one named like the access service', async () => {
    const module = (name: string): ServiceModule => ({
      name,
      create: async ({ store }) => ({ definition: counterService(store) }),
    });
    await expect(
      createNode({ dataDir: dataDir(), modules: [module('counter'), module('counter')] }),
    ).rejects.toThrow(/distinct/);
    for (const reserved of ['access', 'operations'])
      await expect(createNode({ dataDir: dataDir(), modules: [module(reserved)] })).rejects.toThrow(
        /distinct/,
      );
  });

  it('keeps settlement’s link to savings open until the services have stopped', async () => {
    // Settlement finishing its work as it stops (a payment's next step) still calls savings.
    const calls: string[] = [];
    const settlement: ServiceModule = {
      name: 'settlement',
      create: async ({ store, env }) => ({
        definition: counterService(store),
        close: async () => {
          const answer = await fetch(`${env.KOPFED_SAVINGS_URL}/api/access/v1/me`, {
            headers: bearer(env.KOPFED_SAVINGS_API_KEY!),
          }).then(
            (response) => String(response.status),
            (error: Error) => error.message,
          );
          calls.push(answer);
        },
      }),
    };
    node = await createNode({ dataDir: dataDir(), modules: [savingsModule, settlement], env: {} });
    await node.close();
    node = undefined;
    expect(calls).toEqual(['200']);
  });

  it('lets a call to savings in flight on the link finish before the stores close', async () => {
    let reached!: () => void;
    const reaching = new Promise<void>((resolve) => (reached = resolve));
    const slow = defineRoute({
      method: 'GET',
      path: '/slow',
      operationId: 'slow',
      summary: 'Answers after a moment',
      responses: { 200: z.object({ ok: z.boolean() }) },
      policy: 'public',
      handler: async () => {
        reached();
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { status: 200, body: { ok: true } };
      },
    });
    // Settlement stopping without waiting for a call it started (a payment's step in flight).
    let call: Promise<string> | undefined;
    const settlement: ServiceModule = {
      name: 'settlement',
      create: async ({ store, env }) => ({
        definition: counterService(store, [slow]),
        close: async () => {
          call = fetch(`${env.KOPFED_SAVINGS_URL}/api/counter/v1/slow`).then(
            (response) => String(response.status),
            (error: Error) => error.message,
          );
          await reaching;
        },
      }),
    };
    node = await createNode({ dataDir: dataDir(), modules: [savingsModule, settlement], env: {} });
    await node.close();
    node = undefined;
    expect(await call).toBe('200');
  });

  it('accepts tokens from the federation’s identity provider when configured', async () => {
    const idp = await localIdentityProvider();
    const oidc = {
      issuer: idp.issuer,
      audience: idp.audience,
      jwksUrl: 'https://id.example.coop/jwks',
    };
    node = await createNode({ dataDir: dataDir(), oidc, oidcKeys: idp.keys });
    const jwt = await idp.sign('auditor-7', { kopfed_role: 'auditor', kopfed_coop: 'inkopdit' });
    await request(node.app)
      .get('/api/access/v1/me')
      .set(bearer(jwt))
      .expect(200, { keyId: 'oidc:auditor-7', role: 'auditor', coopId: 'inkopdit' });
  });
});

describe('the node’s graceful shutdown', () => {
  const counter: ServiceModule = {
    name: 'counter',
    create: async ({ store }) => ({ definition: counterService(store) }),
  };
  const logger = createLogger({ level: 'silent' });
  const startNode = async (dir: string) => {
    const node = await createNode({
      dataDir: dir,
      modules: [counter],
      rateLimit: { ratePerSecond: 100_000, burst: 100_000 },
    });
    node.coopDirectory.setParent('coop-a', 'coop-p');
    return node;
  };
  const within = <T>(ms: number, promise: Promise<T>) =>
    Promise.race([
      promise.then(() => 'done' as const),
      new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref()),
    ]);

  /** The node listening, and a client on one kept-alive connection incrementing a counter. */
  const served = async () => {
    const dir = dataDir();
    const node = await startNode(dir);
    const admin = node.bootstrap.created ? node.bootstrap.token! : '';
    const { body } = await request(node.app)
      .post('/api/access/v1/keys')
      .set(bearer(admin))
      .send({ role: 'treasurer', coopId: 'coop-p' })
      .expect(201);
    const treasurer = (body as { token: string }).token;
    const serving = await serveNode(node, { port: 0, host: '127.0.0.1', logger });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    /** The status and Connection header of the answer, or the error's code. */
    const increment = () =>
      new Promise<string>((resolve) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: serving.port,
            agent,
            method: 'POST',
            path: '/api/counter/v1/coops/coop-a/counters/c1/increments',
            headers: { ...bearer(treasurer), 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(`${res.statusCode} ${res.headers.connection}`));
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.end(JSON.stringify({ by: 1 }));
      });
    /** The counter as stored, read by the node started again on the same data. */
    const storedValue = async () => {
      agent.destroy();
      const again = await startNode(dir);
      try {
        const { body: counted } = await request(again.app)
          .get('/api/counter/v1/coops/coop-a/counters/c1')
          .set(bearer(admin))
          .expect(200);
        return (counted as { value: number }).value;
      } finally {
        await again.close();
      }
    };
    return { node, serving, increment, storedValue };
  };

  it('answers a keep-alive client that keeps sending, closes its connection, then closes the stores', async () => {
    const { serving, increment, storedValue } = await served();
    // SIGTERM lands while the fifth request is in flight on the kept-alive connection.
    let received = 0;
    const stopping = new Promise<void>((resolve) =>
      serving.server.on('request', () => {
        if (++received === 5) resolve(serving.stop(5_000));
      }),
    );
    const outcomes: string[] = [];
    let sending = true;
    const client = (async () => {
      while (sending) outcomes.push(await increment());
    })();

    const stopped = await within(3_000, stopping);
    sending = false;
    await client;

    expect(stopped).toBe('done');
    const answered = outcomes.filter((o) => o.startsWith('200'));
    // Every request was answered or, once the node stopped listening, refused a connection.
    expect(outcomes.filter((o) => !o.startsWith('200') && o !== 'ECONNREFUSED')).toEqual([]);
    expect(answered.at(-1)).toBe('200 close');
    expect(await storedValue()).toBe(answered.length);
  });

  it('answers a request sent on an idle kept-alive connection as the node stops', async () => {
    const { serving, increment, storedValue } = await served();
    expect(await increment()).toBe('200 keep-alive');

    const stopping = serving.stop(5_000);
    const outcome = await increment();

    expect(await within(3_000, stopping)).toBe('done');
    expect(outcome).toBe('200 close');
    expect(await storedValue()).toBe(2);
  });

  it('closes an idle kept-alive connection a moment after it stops, without waiting for the grace', async () => {
    const { serving, increment, storedValue } = await served();
    expect(await increment()).toBe('200 keep-alive');

    expect(await within(3_000, serving.stop(5_000))).toBe('done');
    expect(await storedValue()).toBe(1);
  });

  it('cuts a connection still open after the grace period, and closes the stores', async () => {
    const node = await startNode(dataDir());
    const serving = await serveNode(node, { port: 0, host: '127.0.0.1', logger });
    // A request whose headers never end keeps its connection busy until it is cut.
    const socket = connect(serving.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /health HTTP/1.1\r\nHost: node\r\n');
    const cut = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);

    const started = Date.now();
    expect(await within(3_000, serving.stop(300))).toBe('done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await cut;
    await expect(node.stores.get('counter')!.headPosition()).rejects.toThrow();
  });
});
