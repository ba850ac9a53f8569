import type { Express } from 'express';
import request from 'supertest';
import { createServiceApp } from '../http/service-app';
import { COOPS, kitFixture, type KitFixture } from '../testing/kit-fixture';
import { ApiKeyRegistry } from './api-key-registry';
import { API_KEY_PATTERN } from './api-key-token';
import { bootstrapAdminKey } from './bootstrap';
import { accessService } from './routes';

describe('access service', () => {
  let fx: KitFixture;
  let app: Express;
  const admin = () => ({ Authorization: `Bearer ${fx.keys.admin}` });

  beforeEach(async () => {
    fx = await kitFixture();
    app = createServiceApp(accessService(fx.registry), { ...fx.deps, store: fx.accessStore });
  });
  afterEach(() => fx.close());

  it('creates a key that works at once, shows its secret once and stores only its hash', async () => {
    const created = await request(app)
      .post('/api/access/v1/keys')
      .set(admin())
      .send({ role: 'coop', coopId: COOPS.A, label: 'sync client' })
      .expect(201);
    const { token, keyId } = created.body as { token: string; keyId: string };
    expect(token).toMatch(API_KEY_PATTERN);
    expect(created.headers.location).toBe(`/api/access/v1/keys/${keyId}`);
    expect(created.body).toMatchObject({
      role: 'coop',
      coopId: COOPS.A,
      status: 'active',
      revokedAt: null,
    });

    const me = await request(app)
      .get('/api/access/v1/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(me.body).toEqual({ keyId, role: 'coop', coopId: COOPS.A });

    const stored = JSON.stringify(await fx.accessStore.readAll({ maxCount: 1000 }));
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice(-43));
    const read = await request(app).get(`/api/access/v1/keys/${keyId}`).set(admin()).expect(200);
    expect(read.body.token).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toMatch(/tokenSha256|[0-9a-f]{64}/);
  });

  it('replays a key creation without the secret, and never creates a second key', async () => {
    const send = () =>
      request(app)
        .post('/api/access/v1/keys')
        .set(admin())
        .set('Idempotency-Key', 'create-once')
        .send({ role: 'auditor', coopId: COOPS.P });
    const first = await send().expect(201);
    const replay = await send().expect(201).expect('Idempotent-Replayed', 'true');
    expect(first.body.token).toBeDefined();
    expect(replay.body).toEqual({ ...first.body, token: undefined });
    expect(JSON.stringify(await fx.accessStore.readAll({ maxCount: 1000 }))).not.toContain(
      first.body.token,
    );
    expect(
      fx.registry.list({ coopId: COOPS.P, limit: 100 }).filter((k) => k.role === 'auditor'),
    ).toHaveLength(2);
  });

  it('revokes with If-Match, refusing a stale ETag', async () => {
    const { body } = await request(app)
      .post('/api/access/v1/keys')
      .set(admin())
      .send({ role: 'coop', coopId: COOPS.B })
      .expect(201);
    const key = await request(app)
      .get(`/api/access/v1/keys/${body.keyId}`)
      .set(admin())
      .expect(200);
    expect(key.headers.etag).toBe('"0"');
    await request(app)
      .post(`/api/access/v1/keys/${body.keyId}/revoke`)
      .set(admin())
      .set('If-Match', '"7"')
      .expect(412);
    const revoked = await request(app)
      .post(`/api/access/v1/keys/${body.keyId}/revoke`)
      .set(admin())
      .set('If-Match', key.headers.etag!)
      .send({ reason: 'laptop stolen' })
      .expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked' });
    expect(revoked.headers.etag).toBe('"1"');
    await request(app)
      .get('/api/access/v1/me')
      .set('Authorization', `Bearer ${body.token}`)
      .expect(401);
    await request(app).post(`/api/access/v1/keys/${body.keyId}/revoke`).set(admin()).expect(200);
    await request(app).post('/api/access/v1/keys/0123456789abcdef/revoke').set(admin()).expect(404);
  });

  it('lets no one but an admin manage keys', async () => {
    for (const token of [fx.keys.coopA, fx.keys.treasurerP, fx.keys.auditorP]) {
      const auth = { Authorization: `Bearer ${token}` };
      await request(app).get('/api/access/v1/keys').set(auth).expect(403);
      await request(app)
        .post('/api/access/v1/keys')
        .set(auth)
        .send({ role: 'admin', coopId: COOPS.A })
        .expect(403);
    }
  });

  it('pages through keys with a cursor, optionally for one coop', async () => {
    const page1 = await request(app).get('/api/access/v1/keys?limit=2').set(admin()).expect(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await request(app)
      .get(`/api/access/v1/keys?limit=2&after=${page1.body.nextCursor}`)
      .set(admin())
      .expect(200);
    const page3 = await request(app)
      .get(`/api/access/v1/keys?limit=2&after=${page2.body.nextCursor}`)
      .set(admin())
      .expect(200);
    expect(page3.body.nextCursor).toBeNull();
    const ids = [...page1.body.items, ...page2.body.items, ...page3.body.items].map(
      (k: { keyId: string }) => k.keyId,
    );
    expect(new Set(ids).size).toBe(5);
    const coopA = await request(app)
      .get(`/api/access/v1/keys?coopId=${COOPS.A}`)
      .set(admin())
      .expect(200);
    const items = coopA.body.items as { coopId: string }[];
    expect(items.map((k) => k.coopId)).toEqual([COOPS.A]);
    await request(app).get('/api/access/v1/keys?limit=0').set(admin()).expect(400);
  });

  it('refuses an expiry in the past and honours one in the future', async () => {
    const past = await request(app)
      .post('/api/access/v1/keys')
      .set(admin())
      .send({ role: 'coop', coopId: COOPS.A, expiresAt: '2001-01-01T00:00:00Z' })
      .expect(422);
    expect(past.body.errors).toEqual([expect.objectContaining({ pointer: '/expiresAt' })]);

    let now = new Date('2026-01-01T00:00:00Z');
    const registry = await ApiKeyRegistry.open(fx.accessStore, { clock: () => now });
    const { token } = await registry.create({
      role: 'coop',
      coopId: COOPS.A,
      createdBy: 't',
      expiresAt: '2026-01-02T00:00:00Z',
    });
    expect(await registry.authenticate(token)).toMatchObject({ coopId: COOPS.A });
    now = new Date('2026-01-02T00:00:00Z');
    expect(await registry.authenticate(token)).toBeUndefined();
    await registry.close();
  });

  it('sees keys written through another registry on the same store (another process, say)', async () => {
    const other = await ApiKeyRegistry.open(fx.accessStore);
    const { token } = await other.create({
      role: 'treasurer',
      coopId: COOPS.P,
      createdBy: 'other',
    });
    await other.close();
    for (let i = 0; i < 100 && !(await fx.registry.authenticate(token)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await fx.registry.authenticate(token)).toMatchObject({ role: 'treasurer' });
  });
});

describe('bootstrap admin key', () => {
  let fx: KitFixture;
  beforeEach(async () => (fx = await kitFixture()));
  afterEach(() => fx.close());

  it('creates a generated admin key on an empty store, once', async () => {
    const store = fx.store; // empty: the fixture's keys live in the access store
    const registry = await ApiKeyRegistry.open(store);
    const first = await bootstrapAdminKey(registry, { coopId: COOPS.P });
    expect(first).toMatchObject({ created: true, token: expect.stringMatching(API_KEY_PATTERN) });
    expect(await registry.authenticate(first.created ? first.token! : '')).toMatchObject({
      role: 'admin',
    });
    expect(await bootstrapAdminKey(registry, { coopId: COOPS.P })).toEqual({ created: false });
    await registry.close();
  });

  it.each([
    ['a generated key', undefined],
    ['the operator’s key', `kpf_00112233445566aa_${'s'.repeat(40)}`],
  ])(
    'creates one admin key when processes sharing an empty store start at once (%s)',
    async (_what, adminKey) => {
      // One container per service, each opening the shared access store on first deployment.
      const registries = await Promise.all([1, 2, 3].map(() => ApiKeyRegistry.open(fx.store)));
      const results = await Promise.all(
        registries.map((registry) =>
          bootstrapAdminKey(registry, { coopId: COOPS.P, ...(adminKey ? { adminKey } : {}) }),
        ),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(results.filter((result) => !result.created)).toHaveLength(2);
      const created = await fx.store.readAll({ categories: ['apikey'], maxCount: 10 });
      expect(created.map((event) => event.type)).toEqual(['ApiKeyCreated']);
      await Promise.all(registries.map((registry) => registry.close()));
    },
  );

  it('uses the operator’s key and does not hand it back', async () => {
    const registry = await ApiKeyRegistry.open(fx.store);
    const adminKey = `kpf_00112233445566aa_${'s'.repeat(40)}`;
    const result = await bootstrapAdminKey(registry, { adminKey, coopId: COOPS.P });
    expect(result).toEqual({ created: true, keyId: '00112233445566aa' });
    expect(await registry.authenticate(adminKey)).toEqual({
      keyId: '00112233445566aa',
      role: 'admin',
      coopId: COOPS.P,
    });
    await registry.close();
  });
});
