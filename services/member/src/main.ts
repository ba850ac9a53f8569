import { openBus } from '@kopfed/bus';
import { commonEnvironment, ConfigError, loadEnv, toCommonConfig } from '@kopfed/config';
import { openEventStore, SqliteEventStore, type EventStore } from '@kopfed/eventstore';
import { ServiceHost } from '@kopfed/host';
import {
  API_KEY_PATTERN,
  ApiKeyRegistry,
  bootstrapAdminKey,
  COOP_ID_PATTERN,
  createLogger,
  createServiceApp,
  InMemoryCoopDirectory,
} from '@kopfed/service-kit';
import { initTracing } from '@kopfed/tracing';
import { z } from 'zod';
import { memberModule } from './module';

/**
 * The member service's settings: the common ones (packages/config) and its own. Its read
 * models are projections inside its SQLite store, so the store must be a `sqlite:` directory.
 */
const environment = commonEnvironment({ service: 'member', port: 8081 }).extend({
  KOPFED_EVENTSTORE_URL: z
    .string()
    .regex(/^sqlite:\S+$/, 'must be sqlite:<directory> (member read models live in its store)')
    .optional(),
  KOPFED_ADMIN_KEY: z
    .string()
    .regex(API_KEY_PATTERN, 'must look like kpf_<16 hex digits>_<32–128 of A-Z a-z 0-9 _ ->')
    .optional(),
  KOPFED_ADMIN_COOP_ID: z
    .string()
    .regex(COOP_ID_PATTERN, 'must be a coop id (1–64 letters, digits, _ or -)')
    .default('federation'),
  /** 32 bytes, base64; when unset, a key file is created beside the data (services/member). */
  KOPFED_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
});

/** Runs the member service alone (the distributed deployment): its store, the bus, its API. */
async function main(): Promise<void> {
  const env = loadEnv(environment);
  const config = toCommonConfig(env);
  const tracing = initTracing({ serviceName: config.tracing.serviceName });
  const logger = createLogger({ level: config.logLevel, name: 'member' });
  const store = sqlite(openEventStore(config.eventStoreUrl, { service: 'member' }));
  const accessStore = sqlite(openEventStore(config.eventStoreUrl, { service: 'member-access' }));
  const bus = openBus(config.busUrl, { clientId: 'kopfed-member' });
  const keys = await ApiKeyRegistry.open(accessStore);
  const bootstrap = await bootstrapAdminKey(keys, {
    coopId: env.KOPFED_ADMIN_COOP_ID,
    ...(env.KOPFED_ADMIN_KEY ? { adminKey: env.KOPFED_ADMIN_KEY } : {}),
  });
  const coopDirectory = new InMemoryCoopDirectory();
  const host = await ServiceHost.start({
    name: 'member',
    modules: [memberModule],
    store: () => store,
    readModels: () => store.database,
    hostDatabase: accessStore.database,
    bus,
    coopDirectory,
    logger,
    dataDir: config.dataDir,
    env: process.env,
    nightlyCloseOfBusiness: true,
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
      'kopfed member listening',
    );
    if (!bootstrap.created) return;
    logger.info({ keyId: bootstrap.keyId }, 'bootstrap admin key created (see KOPFED_ADMIN_KEY)');
    // A generated key goes to stdout once, outside the structured logs, as the node does.
    if (bootstrap.token) process.stdout.write(`bootstrap admin key: ${bootstrap.token}\n`);
  });
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
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

function sqlite(store: EventStore): SqliteEventStore {
  if (!(store instanceof SqliteEventStore)) throw new Error('the member store must be SQLite');
  return store;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
});
