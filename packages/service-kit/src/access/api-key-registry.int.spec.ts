import { v7 as uuidv7 } from 'uuid';
import { openEventStore, type EventStore } from '@kopfed/eventstore';
import { ApiKeyRegistry } from './api-key-registry';

describe('API key registry authentication', () => {
  let store: EventStore;
  let now: Date;
  const registries: ApiKeyRegistry[] = [];
  const open = async () => {
    const registry = await ApiKeyRegistry.open(store, { clock: () => now });
    registries.push(registry);
    return registry;
  };

  beforeEach(() => {
    store = openEventStore('sqlite::memory:', { service: 'access' });
    now = new Date('2026-03-01T00:00:00.000Z');
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
    await store.close();
  });

  it('refuses a key at once when it is revoked, though it was just accepted', async () => {
    const registry = await open();
    const { token, key } = await registry.create({ role: 'coop', coopId: 'a', createdBy: 't' });
    for (let i = 0; i < 3; i++) {
      expect(await registry.authenticate(token)).toEqual({
        keyId: key.keyId,
        role: 'coop',
        coopId: 'a',
      });
    }
    await registry.revoke(key.keyId, { revokedBy: 't' });
    expect(await registry.authenticate(token)).toBeUndefined();
  });

  it('refuses a key revoked by another process as soon as the revocation reaches this one', async () => {
    const here = await open();
    const elsewhere = await open();
    const { token, key } = await here.create({ role: 'coop', coopId: 'a', createdBy: 't' });
    expect(await here.authenticate(token)).toBeDefined();
    await elsewhere.revoke(key.keyId, { revokedBy: 't' });
    const deadline = Date.now() + 5_000;
    while (here.get(key.keyId)?.revokedAt === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(here.get(key.keyId)?.revokedAt).not.toBeNull();
    expect(await here.authenticate(token)).toBeUndefined();
  });

  it('refuses a revoked key even after its live view of the keys has stopped', async () => {
    const here = await open();
    const { token, key } = await here.create({ role: 'coop', coopId: 'a', createdBy: 't' });
    expect(await here.authenticate(token)).toBeDefined();
    // The next read of the log fails (a disk error): the subscription feeding `here` stops.
    const readAll = jest.spyOn(store, 'readAll').mockRejectedValueOnce(new Error('disk I/O error'));
    await store.append('other-1', [{ id: uuidv7(), type: 'Nudged', schemaVersion: 1, data: {} }], {
      expectedRevision: 'no_stream',
    });
    const deadline = Date.now() + 5_000;
    while (here.healthy && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    readAll.mockRestore();
    expect(here.healthy).toBe(false);
    const elsewhere = await open();
    await elsewhere.revoke(key.keyId, { revokedBy: 't' });
    expect(await here.authenticate(token)).toBeUndefined();
    const other = await elsewhere.create({ role: 'treasurer', coopId: 'p', createdBy: 't' });
    expect(await here.authenticate(other.token)).toEqual({
      keyId: other.key.keyId,
      role: 'treasurer',
      coopId: 'p',
    });
  });

  it('refuses an accepted key once it expires, and another secret under its id', async () => {
    const registry = await open();
    const { token } = await registry.create({
      role: 'coop',
      coopId: 'a',
      createdBy: 't',
      expiresAt: '2026-03-01T01:00:00.000Z',
    });
    expect(await registry.authenticate(token)).toBeDefined();
    const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await registry.authenticate(forged)).toBeUndefined();
    expect(await registry.authenticate(token)).toBeDefined();
    now = new Date('2026-03-01T01:00:00.000Z');
    expect(await registry.authenticate(token)).toBeUndefined();
  });
});
