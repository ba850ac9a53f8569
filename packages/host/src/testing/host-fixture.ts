import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { InProcessBus } from '@kopfed/bus';
import { SqliteEventStore } from '@kopfed/eventstore';
import {
  ApiKeyRegistry,
  createBaseApp,
  mountServices,
  createLogger,
  createServiceRouter,
  InMemoryCoopDirectory,
  notFoundHandler,
  problemErrorHandler,
  type Role,
  type ServiceModule,
} from '@kopfed/service-kit';
import { ServiceHost } from '../service-host';

export interface HostFixture {
  /** Every module's API, as the node serves them: `/api/<service>/v1/…`. */
  app: Express;
  host: ServiceHost;
  bus: InProcessBus;
  stores: ReadonlyMap<string, SqliteEventStore>;
  directory: InMemoryCoopDirectory;
  dataDir: string;
  /** A bearer token for a new key of this role on this coop. */
  key(role: Role, coopId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Services hosted as the node hosts them — stores in a temporary directory, the in-process
 * bus, consumers before relays — for a service's own integration tests (which cannot depend
 * on the node: the node depends on them).
 */
export async function hostFixture(
  modules: readonly ServiceModule[],
  options: { clock?: () => Date; env?: NodeJS.ProcessEnv; dataDir?: string; logger?: Logger } = {},
): Promise<HostFixture> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kopfed-host-'));
  const stores = new Map(
    modules.map((m) => [
      m.name,
      new SqliteEventStore({ file: join(dataDir, `${m.name}.db`), pollIntervalMs: 20 }),
    ]),
  );
  const access = new SqliteEventStore({ file: join(dataDir, 'access.db') });
  const registry = await ApiKeyRegistry.open(access);
  const directory = new InMemoryCoopDirectory();
  const bus = new InProcessBus();
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const store = (name: string) => stores.get(name)!;
  const host = await ServiceHost.start({
    name: 'fixture',
    modules,
    store,
    readModels: (name) => store(name).database,
    hostDatabase: access.database,
    bus,
    coopDirectory: directory,
    logger,
    dataDir,
    env: options.env ?? {},
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = createBaseApp();
  mountServices(
    app,
    host.services.map(({ name, instance }) =>
      createServiceRouter(instance.definition, {
        authenticate: registry.authenticate,
        coopDirectory: directory,
        store: store(name),
        logger,
      }),
    ),
  );
  app.use(notFoundHandler());
  app.use(problemErrorHandler(logger));
  return {
    app,
    host,
    bus,
    stores,
    directory,
    dataDir,
    key: async (role, coopId) =>
      (await registry.create({ role, coopId, createdBy: 'fixture' })).token,
    async close() {
      await host.stop();
      await bus.close();
      await registry.close();
      for (const s of stores.values()) await s.close();
      await access.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
