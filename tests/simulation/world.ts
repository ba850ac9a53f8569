import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { ServiceHost } from '@kopfed/host';
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
  type ServiceInstance,
  type ServiceModule,
} from '@kopfed/service-kit';
import { FaultyEventStore } from './faulty-store';
import type { SimBus } from './sim-bus';
import type { VirtualClock } from './virtual-clock';

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const ENV = {
  /** A fixed master key: the member service would otherwise write a fresh one per world. */
  KOPFED_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  /** Pending transfers expire on a real-time sweep; the simulation makes none, so sweep rarely. */
  KOPFED_TRANSFER_EXPIRY_SWEEP_MS: '3600000',
};
const SETTLE_ROUNDS = 20_000;

/**
 * The services wired in one process as the node wires them — one store per service, the host
 * (consumers before relays), the APIs under `/api/<service>/v1` — but on the simulation's bus,
 * its fault-injecting stores and its virtual clock. `other` is a second process's instance of
 * some services over the same stores: the concurrent writer of a conflicting append.
 */
export class World {
  /** Errors the services logged during the current run. */
  errors: string[] = [];
  private host!: ServiceHost;
  private app!: Express;
  private otherApp!: Express;
  private readonly servers: Server[] = [];
  private readonly urls = { main: '', other: '' };
  private readonly logger = createLogger(
    { level: 'error' },
    {
      write: (line: string) => void this.errors.push(line),
    },
  );
  private readonly directory = new InMemoryCoopDirectory();
  readonly restarts = { count: 0 };

  private constructor(
    private readonly modules: readonly ServiceModule[],
    private readonly otherModules: readonly ServiceModule[],
    readonly stores: ReadonlyMap<string, FaultyEventStore>,
    private readonly access: FaultyEventStore,
    private readonly registry: ApiKeyRegistry,
    readonly bus: SimBus,
    readonly clock: VirtualClock,
    private readonly dataDir: string,
  ) {}

  static async open(options: {
    modules: readonly ServiceModule[];
    /** Services that also run in a second process (the concurrent writer). */
    otherModules: readonly ServiceModule[];
    bus: SimBus;
    clock: VirtualClock;
  }): Promise<World> {
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-sim-'));
    const open = () =>
      new FaultyEventStore({ file: ':memory:', clock: options.clock.now, pollIntervalMs: 1_000 });
    const stores = new Map(options.modules.map((m) => [m.name, open()]));
    const access = open();
    const registry = await ApiKeyRegistry.open(access);
    const world = new World(
      options.modules,
      options.otherModules,
      stores,
      access,
      registry,
      options.bus,
      options.clock,
      dataDir,
    );
    await world.start();
    await world.startOther();
    return world;
  }

  /** The instance of a service in the running host. */
  instance(name: string): ServiceInstance {
    const hosted = this.host.services.find((s) => s.name === name);
    if (!hosted) throw new Error(`no service ${name} in the simulation`);
    return hosted.instance;
  }

  store(name: string): FaultyEventStore {
    const store = this.stores.get(name);
    if (!store) throw new Error(`no store for ${name}`);
    return store;
  }

  async key(role: Role, coopId: string): Promise<string> {
    return (await this.registry.create({ role, coopId, createdBy: 'simulation' })).token;
  }

  /** A request to the node's API; `other` sends it to the second process instead. */
  async request(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    token: string,
    options: { body?: unknown; idempotencyKey?: string; other?: boolean } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const response = await fetch(`${options.other ? this.urls.other : this.urls.main}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    return { status: response.status, body };
  }

  /** Waits until every relay has published everything its store holds. */
  async settle(): Promise<void> {
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      if (await this.relaysCaughtUp()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`the relays did not catch up with their stores: ${await this.laggingRelays()}`);
  }

  /** Closes of business for the date that just ended, as the nightly job does. */
  closeOfBusiness(businessDate: string): Promise<Record<string, unknown>> {
    return this.host.closeOfBusiness(businessDate);
  }

  /**
   * The process crashes and comes back: the host and the services' in-memory state are gone,
   * the consumers lose what they had not committed; the stores keep what they committed.
   */
  async restart(): Promise<void> {
    await this.host.stop();
    this.bus.crashAll();
    await this.start();
    this.restarts.count++;
  }

  async close(): Promise<void> {
    await this.host.stop();
    await this.bus.close();
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await this.registry.close();
    for (const store of this.stores.values()) await store.close();
    await this.access.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async start(): Promise<void> {
    this.host = await ServiceHost.start({
      name: 'sim',
      modules: this.modules,
      store: (name) => this.store(name),
      readModels: (name) => this.store(name).database,
      hostDatabase: this.access.database,
      bus: this.bus,
      coopDirectory: this.directory,
      logger: this.logger,
      clock: this.clock.now,
      dataDir: this.dataDir,
      env: ENV,
    });
    this.app = this.appOf(this.host.services);
    if (!this.urls.main) this.urls.main = await this.listen((req, res) => this.app(req, res));
  }

  private async startOther(): Promise<void> {
    const services = [];
    for (const module of this.otherModules) {
      const instance = await module.create({
        store: this.store(module.name),
        readModels: this.store(module.name).database,
        coopDirectory: this.directory,
        logger: this.logger,
        clock: this.clock.now,
        dataDir: join(this.dataDir, 'other'),
        env: ENV,
      });
      services.push({ name: module.name, instance });
    }
    this.otherApp = this.appOf(services);
    this.urls.other = await this.listen((req, res) => this.otherApp(req, res));
  }

  private appOf(services: readonly { name: string; instance: ServiceInstance }[]): Express {
    const app = createBaseApp();
    mountServices(
      app,
      services.map(({ name, instance }) =>
        createServiceRouter(instance.definition, {
          authenticate: this.registry.authenticate,
          coopDirectory: this.directory,
          store: this.store(name),
          logger: this.logger,
        }),
      ),
    );
    app.use(notFoundHandler());
    app.use(problemErrorHandler(this.logger));
    return app;
  }

  private async listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Each relay behind its store, with its checkpoint and the store's head. */
  private async laggingRelays(): Promise<string> {
    const lagging: string[] = [];
    for (const { name, instance } of this.host.services) {
      if (!instance.publishes) continue;
      const store = this.store(name);
      const checkpoint = (await store.checkpoints.get(`relay:${instance.publishes.topic}`)) ?? 0;
      const head = await store.headPosition();
      if (checkpoint < head) lagging.push(`${name} at ${checkpoint} of ${head}`);
    }
    return lagging.join(', ');
  }

  private async relaysCaughtUp(): Promise<boolean> {
    for (const { name, instance } of this.host.services) {
      if (!instance.publishes) continue;
      const store = this.store(name);
      const checkpoint = (await store.checkpoints.get(`relay:${instance.publishes.topic}`)) ?? 0;
      if (checkpoint < (await store.headPosition())) return false;
    }
    return true;
  }
}
