import { Writable } from 'node:stream';
import { openEventStore, type EventStore } from '@kopfed/eventstore';
import { ApiKeyRegistry } from '../access/api-key-registry';
import { InMemoryCoopDirectory } from '../auth/coop-directory';
import type { Role } from '../auth/principal';
import { createLogger } from '../http/logging';
import type { ServiceKitDeps } from '../http/service-router';

/** The federation every kit test uses: coops A and B are members of P. */
export const COOPS = { A: 'coop-a', B: 'coop-b', P: 'coop-p' } as const;

export interface KitFixture {
  store: EventStore;
  accessStore: EventStore;
  registry: ApiKeyRegistry;
  directory: InMemoryCoopDirectory;
  /** Bearer tokens by who holds them. */
  keys: Record<'coopA' | 'coopB' | 'treasurerP' | 'auditorP' | 'admin', string>;
  deps: ServiceKitDeps;
  /** Every log line written, as text, to check nothing secret is logged. */
  logs: string[];
  close(): Promise<void>;
}

export async function kitFixture(overrides: Partial<ServiceKitDeps> = {}): Promise<KitFixture> {
  const store = openEventStore('sqlite::memory:', { service: 'counter' });
  const accessStore = openEventStore('sqlite::memory:', { service: 'access' });
  const registry = await ApiKeyRegistry.open(accessStore);
  const directory = new InMemoryCoopDirectory([
    [COOPS.A, COOPS.P],
    [COOPS.B, COOPS.P],
  ]);
  const key = async (role: Role, coopId: string) =>
    (await registry.create({ role, coopId, createdBy: 'fixture' })).token;
  const keys = {
    coopA: await key('coop', COOPS.A),
    coopB: await key('coop', COOPS.B),
    treasurerP: await key('treasurer', COOPS.P),
    auditorP: await key('auditor', COOPS.P),
    admin: await key('admin', COOPS.P),
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const deps: ServiceKitDeps = {
    authenticate: registry.authenticate,
    coopDirectory: directory,
    store,
    logger: createLogger({ level: 'info' }, sink),
    ...overrides,
  };
  return {
    store,
    accessStore,
    registry,
    directory,
    keys,
    deps,
    logs,
    async close() {
      await registry.close();
      await Promise.all([store.close(), accessStore.close()]);
    },
  };
}
