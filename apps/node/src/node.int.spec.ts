import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { ServiceModule } from '@kopfed/service-kit';
import {
  counterService,
  localIdentityProvider,
  openApiProblems,
} from '@kopfed/service-kit/src/testing';
import { createNode, type FederationNode } from './node';
import { SERVICE_MODULES } from './services';

const dataDir = () => mkdtempSync(join(tmpdir(), 'kopfed-node-'));
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
    const names = ['access', ...SERVICE_MODULES.map((m) => m.name)];
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
    await expect(createNode({ dataDir: dataDir(), modules: [module('access')] })).rejects.toThrow(
      /distinct/,
    );
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
