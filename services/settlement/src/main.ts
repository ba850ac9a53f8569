import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { openBus } from '@kopfed/bus';
import { applyPragmas, openEventStore, SqliteEventStore } from '@kopfed/eventstore';
import { ServiceHost } from '@kopfed/host';
import {
  ApiKeyRegistry,
  bootstrapAdminKey,
  createServiceApp,
  InMemoryCoopDirectory,
} from '@kopfed/service-kit';
import { initTracing } from '@kopfed/tracing';
import { ConfigError, loadSettlementConfig } from './config';
import { settlementModule } from './module';

/** Runs the settlement service alone (the distributed deployment): its store, the bus, its API. */
async function main(): Promise<void> {
  const config = loadSettlementConfig();
  const tracing = initTracing({ serviceName: config.tracing.serviceName });
  const logger = pino({ level: config.logLevel });
  const store = openEventStore(config.eventStoreUrl, { service: 'settlement' });
  const accessStore = openEventStore(config.eventStoreUrl, { service: 'access' });
  const readModels =
    store instanceof SqliteEventStore ? store.database : openReadModels(config.readModelsFile);
  const hostDatabase = accessStore instanceof SqliteEventStore ? accessStore.database : readModels;
  const bus = openBus(config.busUrl, { clientId: 'kopfed-settlement' });
  const keys = await ApiKeyRegistry.open(accessStore);
  const bootstrap = await bootstrapAdminKey(keys, {
    coopId: config.adminCoopId,
    ...(config.adminKey ? { adminKey: config.adminKey } : {}),
  });
  const coopDirectory = new InMemoryCoopDirectory();
  const host = await ServiceHost.start({
    name: 'settlement',
    modules: [settlementModule],
    store: () => store,
    readModels: () => readModels,
    hostDatabase,
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
    logger.info(
      { port: config.port, eventStore: config.eventStoreUrl, bus: config.busUrl },
      'kopfed settlement listening',
    );
    if (bootstrap.created)
      logger.info({ keyId: bootstrap.keyId }, 'bootstrap admin key created (see KOPFED_ADMIN_KEY)');
  });
  const shutdown = () => {
    server.close(() => {
      void (async () => {
        await host.stop();
        await bus.close();
        await keys.close();
        await Promise.all([store.close(), accessStore.close()]);
        await tracing.shutdown();
        process.exit(0);
      })();
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

function openReadModels(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  applyPragmas(db, 5_000);
  return db;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
});
