import { openBus } from '@kopfed/bus';
import { openEventStore, SqliteEventStore, type EventStore } from '@kopfed/eventstore';
import { ServiceHost } from '@kopfed/host';
import {
  ApiKeyRegistry,
  bootstrapAdminKey,
  createLogger,
  createServiceApp,
  InMemoryCoopDirectory,
} from '@kopfed/service-kit';
import { initTracing } from '@kopfed/tracing';
import { ConfigError, loadConfig } from './config';
import { loanModule } from './module';

/**
 * The loan service alone (the distributed deployment): its own store and API keys, the bus
 * from KOPFED_BUS_URL, the same module the node mounts.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = initTracing({ serviceName: config.tracing.serviceName });
  const logger = createLogger({ level: config.logLevel, name: 'loan' });
  const store = openEventStore(config.eventStoreUrl, { service: 'loan' });
  const accessStore = openEventStore(config.eventStoreUrl, { service: 'loan-access' });
  const bus = openBus(config.busUrl, { clientId: 'kopfed-loan' });
  const keys = await ApiKeyRegistry.open(accessStore);
  const bootstrap = await bootstrapAdminKey(keys, {
    coopId: config.adminCoopId,
    ...(config.adminKey ? { adminKey: config.adminKey } : {}),
  });
  const coopDirectory = new InMemoryCoopDirectory();
  const host = await ServiceHost.start({
    name: 'loan',
    modules: [loanModule],
    store: () => store,
    readModels: () => sqlite(store).database,
    hostDatabase: sqlite(accessStore).database,
    bus,
    coopDirectory,
    logger,
    nightlyCloseOfBusiness: config.nightlyCloseOfBusiness,
    dataDir: config.dataDir,
    env: process.env,
  });
  const app = createServiceApp(host.services[0]!.instance.definition, {
    authenticate: keys.authenticate,
    coopDirectory,
    store,
    logger,
  });
  const server = app.listen(config.port, config.host, () => {
    logger.info(
      { port: config.port, store: config.eventStoreUrl, bus: config.busUrl },
      'loan service listening',
    );
    if (bootstrap.created && bootstrap.token !== undefined)
      process.stdout.write(`\n  Bootstrap admin key (shown once): ${bootstrap.token}\n\n`);
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      (async () => {
        await host.stop();
        await bus.close();
        await keys.close();
        await Promise.all([store.close(), accessStore.close()]);
        await tracing.shutdown();
      })().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function sqlite(store: EventStore): SqliteEventStore {
  if (!(store instanceof SqliteEventStore))
    throw new ConfigError([
      { variable: 'KOPFED_EVENTSTORE_URL', message: 'the loan service runs on the SQLite store' },
    ]);
  return store;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
});
