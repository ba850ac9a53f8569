import type { Express } from 'express';
import type { Logger } from 'pino';
import { InProcessBus } from '@kopfed/bus';
import { openEventStore, SqliteEventStore, type EventStore } from '@kopfed/eventstore';
import { ServiceHost } from '@kopfed/host';
import {
  accessService,
  anyOf,
  ApiKeyRegistry,
  bootstrapAdminKey,
  createBaseApp,
  mountServices,
  createLogger,
  createServiceRouter,
  DAY_MS,
  DEFAULT_RATE_LIMIT,
  InMemoryCoopDirectory,
  mountHealth,
  notFoundHandler,
  oidcAuthenticator,
  problemErrorHandler,
  remoteKeys,
  sqliteKeyRecords,
  TokenBucketLimiter,
  type BootstrapResult,
  type OidcOptions,
  type ServiceHttp,
  type ServiceKitDeps,
  type ServiceModule,
} from '@kopfed/service-kit';
import type { NodeConfig } from './config';
import { mountConsole } from './console';
import { InternalLink } from './internal-link';
import { DeadLetterBox } from './operations/dead-letter-box';
import { DeadLetters } from './operations/dead-letters';
import { operationsService } from './operations/routes';
import { SERVICE_MODULES, type ServiceName } from './services';

export { SERVICES, type ServiceName } from './services';
/** API keys live in a store of their own. */
export const ACCESS = 'access';
/** The node's own operations API (dead letters); it keeps its records in the access store. */
const OPERATIONS = 'operations';
export type StoreName = ServiceName | typeof ACCESS;

export interface FederationNode {
  app: Express;
  /** By service name: the four domain services, access, and any other mounted module. */
  stores: ReadonlyMap<string, EventStore>;
  /** Every service mounted, access first: its base URL and its OpenAPI document's URL. */
  services: readonly { name: string; baseUrl: string; openapiUrl: string }[];
  coopDirectory: InMemoryCoopDirectory;
  keys: ApiKeyRegistry;
  /** The services' consumers, relays, projections and close of business. */
  host: ServiceHost;
  /** What happened to the bootstrap admin key on this start. */
  bootstrap: BootstrapResult;
  /** Messages a consumer group failed after every retry, kept until replayed or discarded. */
  deadLetters: DeadLetters;
  close(): Promise<void>;
}

export type NodeOptions = Pick<NodeConfig, 'dataDir'> &
  Partial<Omit<NodeConfig, 'dataDir'>> & {
    logger?: Logger;
    modules?: readonly ServiceModule[];
    /** The identity provider's keys; fetched from `oidc.jwksUrl` when absent. */
    oidcKeys?: OidcOptions['keys'];
    clock?: () => Date;
    /** Environment for the services' own settings (KOPFED_MASTER_KEY…); process.env when absent. */
    env?: NodeJS.ProcessEnv;
    /** Runs close of business at midnight Asia/Jakarta (the node's main turns it on). */
    nightlyCloseOfBusiness?: boolean;
  };

/** Builds the node without listening: tests use the app directly. */
export async function createNode(options: NodeOptions): Promise<FederationNode> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const modules = options.modules ?? SERVICE_MODULES;
  const moduleNames = modules.map((m) => m.name);
  if (new Set([...moduleNames, ACCESS, OPERATIONS]).size !== moduleNames.length + 2) {
    throw new Error(
      `service modules need distinct names other than ${ACCESS} and ${OPERATIONS}: ${moduleNames.join(', ')}`,
    );
  }
  // One SQLite file per service the node runs, and one for the API keys.
  const names = [...moduleNames, ACCESS];
  const stores = new Map<string, EventStore>(
    names.map((service) => [
      service,
      openEventStore(`sqlite:${options.dataDir}`, {
        service,
        onWarning: (message) => logger.warn({ store: service }, message),
      }),
    ]),
  );
  const store = (name: string) => stores.get(name) ?? unreachableStore(name);
  let keys: ApiKeyRegistry | undefined;
  let host: ServiceHost | undefined;
  let link: InternalLink | undefined;
  let deadLetters: DeadLetters | undefined;
  const bus = new InProcessBus({
    onDeadLetter: (dead) => {
      if (deadLetters) deadLetters.keep(dead);
      else
        logger.error({ topic: dead.topic, headers: dead.message.headers }, 'message dead-lettered');
    },
  });
  try {
    const kept = new DeadLetters(
      new DeadLetterBox(sqlite(store(ACCESS)).database),
      bus,
      options.clock ?? (() => new Date()),
      logger,
    );
    deadLetters = kept;
    keys = await ApiKeyRegistry.open(store(ACCESS));
    const bootstrap = await bootstrapAdminKey(keys, {
      coopId: options.adminCoopId ?? 'federation',
      ...(options.adminKey ? { adminKey: options.adminKey } : {}),
    });
    const env = options.env ?? process.env;
    const adminCoopId = options.adminCoopId ?? 'federation';
    // Settlement's payments hold and move savings through the savings API; in the node, that
    // is the node itself unless KOPFED_SAVINGS_URL points elsewhere.
    const linksSavings =
      moduleNames.includes('savings') &&
      moduleNames.includes('settlement') &&
      env.KOPFED_SAVINGS_URL === undefined;
    if (linksSavings) link = await InternalLink.open(keys, options.dataDir, adminCoopId);
    const serviceEnv = {
      // The node is the only clearing engine on its store: a short lease only shortens the
      // wait for a killed run's lease to lapse at the next start (renewed every third of it).
      KOPFED_CLEARING_LEASE_TTL_MS: '1000',
      ...env,
      ...(link ? { KOPFED_SAVINGS_URL: link.baseUrl, KOPFED_SAVINGS_API_KEY: link.token } : {}),
    };
    const coopDirectory = new InMemoryCoopDirectory();
    const kit: Omit<ServiceKitDeps, 'store'> = {
      authenticate: authenticator(keys, options),
      coopDirectory,
      logger,
      rateLimiter: new TokenBucketLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT),
      idempotency: {
        retentionMs: (options.idempotencyRetentionDays ?? 30) * DAY_MS,
        // The node alone writes its SQLite files: a claim from a killed run is retaken at once.
        soleWriter: true,
        // And keeps the keys' records in a table of each store, written in its group commit.
        keyRecords: (s) => sqliteKeyRecords(sqlite(s)),
      },
      ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    };
    host = await ServiceHost.start({
      name: 'node',
      modules,
      store,
      readModels: (name) => sqlite(store(name)).database,
      hostDatabase: sqlite(store(ACCESS)).database,
      bus,
      coopDirectory,
      logger,
      dataDir: options.dataDir,
      env: serviceEnv,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.nightlyCloseOfBusiness ? { nightlyCloseOfBusiness: true } : {}),
      onDeadLetter: kept.keep,
    });
    const mounted: ServiceHttp[] = [
      createServiceRouter(accessService(keys), { ...kit, store: store(ACCESS) }),
      createServiceRouter(operationsService(kept), { ...kit, store: store(ACCESS) }),
      ...host.services.map(({ name, instance }) =>
        createServiceRouter(instance.definition, { ...kit, store: store(name) }),
      ),
    ];
    const app = nodeApp(stores, mounted, kept, logger);
    link?.serve(app);
    const registry = keys;
    const started = host;
    const internal = link;
    return {
      app,
      stores,
      services: mounted.map(({ service }) => ({
        name: service,
        baseUrl: `/api/${service}/v1`,
        openapiUrl: `/api/${service}/openapi.json`,
      })),
      coopDirectory,
      keys: registry,
      host: started,
      bootstrap,
      deadLetters: kept,
      // Settlement may still reach savings through the link while it stops: the link closes
      // after the services and the bus, before the stores.
      async close() {
        await started.stop();
        await bus.close();
        await internal?.close();
        await registry.close();
        await Promise.all([...stores.values()].map((s) => s.close()));
      },
    };
  } catch (error) {
    await host?.stop();
    await bus.close();
    await link?.close();
    await keys?.close();
    await Promise.all([...stores.values()].map((s) => s.close()));
    throw error;
  }
}

function authenticator(keys: ApiKeyRegistry, options: NodeOptions) {
  if (!options.oidc) return keys.authenticate;
  const { issuer, audience, jwksUrl } = options.oidc;
  const oidc = oidcAuthenticator({
    issuer,
    audience,
    keys: options.oidcKeys ?? remoteKeys(jwksUrl),
  });
  return anyOf(keys.authenticate, oidc);
}

function nodeApp(
  stores: ReadonlyMap<string, EventStore>,
  services: readonly ServiceHttp[],
  deadLetters: DeadLetters,
  logger: Logger,
): Express {
  const app = createBaseApp();
  app.get('/health', async (_req, res) => {
    const report = await Promise.all(
      [...stores].map(async ([service, store]) => ({
        service,
        headPosition: await store.headPosition(),
      })),
    );
    // A waiting dead letter is an effect that did not happen: monitoring should alert on it.
    res.json({ status: 'ok', stores: report, deadLetters: { waiting: deadLetters.waiting() } });
  });
  mountHealth(
    app,
    services.map((service) => service.ready),
    logger,
  );
  app.get('/api', (_req, res) => {
    res.json({
      services: services.map(({ service }) => ({
        name: service,
        baseUrl: `/api/${service}/v1`,
        openapiUrl: `/api/${service}/openapi.json`,
      })),
    });
  });
  // The services' routes are answered ahead of Express (service-kit's API lane): middleware
  // added to this app with `app.use` does not run for them. Put per-request work for the API
  // in service-kit's pipeline instead.
  mountServices(app, services);
  // The web console at `/`, over the same public APIs (built on first visit when missing).
  mountConsole(app, { logger });
  app.use(notFoundHandler());
  app.use(problemErrorHandler(logger));
  return app;
}

/** The node runs on the embedded stores: their SQLite files also hold the read models. */
function sqlite(store: EventStore): SqliteEventStore {
  if (!(store instanceof SqliteEventStore))
    throw new Error('the node runs on the embedded SQLite stores');
  return store;
}

function unreachableStore(name: string): never {
  throw new Error(`no store was opened for ${name}`);
}
