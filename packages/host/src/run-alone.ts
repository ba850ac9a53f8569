import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { openBus } from '@kopfed/bus';
import { ConfigError, type CommonConfig } from '@kopfed/config';
import { applyPragmas, openEventStore, SqliteEventStore } from '@kopfed/eventstore';
import {
  ApiKeyRegistry,
  bootstrapAdminKey,
  createLogger,
  createServiceApp,
  InMemoryCoopDirectory,
  type ServiceModule,
} from '@kopfed/service-kit';
import { initTracing } from '@kopfed/tracing';
import { drainOnClose, SHUTDOWN_GRACE_MS } from './drain';
import { ServiceHost } from './service-host';

/** What a service run alone reads from its environment (each service's config.ts). */
export interface AloneConfig extends CommonConfig {
  adminCoopId: string;
  adminKey?: string;
  nightlyCloseOfBusiness: boolean;
  /**
   * Where the read models live when the event store is not SQLite. Without it the service's
   * read models are projections inside its SQLite store, and any other store is refused.
   */
  readModelsFile?: string;
}

export interface AloneOptions {
  module: ServiceModule;
  /** The store of the service's API keys (its own, beside its events). */
  accessStore: string;
}

/**
 * Runs one service alone (the distributed deployment, one container per service): its store
 * and API keys, the bus from KOPFED_BUS_URL, the same module the node mounts. Resolves once
 * it listens; SIGTERM or SIGINT drains requests, stops the host and closes the stores.
 */
export async function runServiceAlone(config: AloneConfig, options: AloneOptions): Promise<void> {
  const name = options.module.name;
  const tracing = initTracing({ serviceName: config.tracing.serviceName });
  const logger = createLogger({ level: config.logLevel, name });
  const onWarning = (message: string) => logger.warn(message);
  const store = openEventStore(config.eventStoreUrl, { service: name, onWarning });
  const accessStore = openEventStore(config.eventStoreUrl, {
    service: options.accessStore,
    onWarning,
  });
  // Projections live in the service's SQLite store; any other store needs a file of its own.
  const ownReadModels = !(store instanceof SqliteEventStore);
  const readModels = ownReadModels ? openReadModels(config, name) : store.database;
  const bus = openBus(config.busUrl, { clientId: `kopfed-${name}` });
  const keys = await ApiKeyRegistry.open(accessStore);
  const bootstrap = await bootstrapAdminKey(keys, {
    coopId: config.adminCoopId,
    ...(config.adminKey ? { adminKey: config.adminKey } : {}),
  });
  const coopDirectory = new InMemoryCoopDirectory();
  const host = await ServiceHost.start({
    name,
    modules: [options.module],
    store: () => store,
    readModels: () => readModels,
    hostDatabase: accessStore instanceof SqliteEventStore ? accessStore.database : readModels,
    bus,
    coopDirectory,
    logger,
    dataDir: config.dataDir,
    env: process.env,
    nightlyCloseOfBusiness: config.nightlyCloseOfBusiness,
  });
  const app = createServiceApp(host.services[0]!.instance.definition, {
    authenticate: keys.authenticate,
    coopDirectory,
    store,
    logger,
  });
  const server = app.listen(config.port, config.host, () => {
    // PORT=0 takes any free port: the log says which one.
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, eventStore: config.eventStoreUrl, bus: config.busUrl },
      `kopfed ${name} listening`,
    );
    if (!bootstrap.created) return;
    logger.info({ keyId: bootstrap.keyId }, 'bootstrap admin key created (see KOPFED_ADMIN_KEY)');
    // A generated key goes to stdout once, outside the structured logs, as the node does.
    if (bootstrap.token) process.stdout.write(`bootstrap admin key: ${bootstrap.token}\n`);
  });

  const drain = drainOnClose(server);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests, closing stores');
    (async () => {
      const { forced } = await drain();
      if (forced) logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'cut connections still open');
      await host.stop();
      await bus.close();
      await keys.close();
      await Promise.all([store.close(), accessStore.close()]);
      if (ownReadModels) readModels.close();
      await tracing.shutdown();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * A service's `main`: loads its configuration and runs it alone. A bad environment exits 2
 * with one line naming every bad variable, before any store is opened.
 */
export function mainAlone(loadConfig: () => AloneConfig, options: AloneOptions): void {
  Promise.resolve()
    .then(() => runServiceAlone(loadConfig(), options))
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(2);
      }
      throw error;
    });
}

function openReadModels(config: AloneConfig, name: string): Database.Database {
  if (!config.readModelsFile)
    throw new ConfigError([
      {
        variable: 'KOPFED_EVENTSTORE_URL',
        message: `the ${name} read models live in its SQLite store: use sqlite:<directory>`,
      },
    ]);
  mkdirSync(dirname(config.readModelsFile), { recursive: true });
  const db = new Database(config.readModelsFile);
  applyPragmas(db, 5_000);
  return db;
}
