import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { InProcessBus, type Bus } from '@kopfed/bus';
import type { EventStore } from '@kopfed/eventstore';
import { Relay } from '@kopfed/messaging';
import type {
  Consumption,
  InMemoryCoopDirectory,
  ServiceInstance,
  ServiceModule,
} from '@kopfed/service-kit';
import { CoopTree } from './coop-tree';
import { GroupBackfill, relayName } from './group-backfill';
import { NightlyCloseOfBusiness } from './nightly';

export interface HostOptions {
  /** A name for this host's own consumer groups, e.g. `node` or `savings`. */
  name: string;
  modules: readonly ServiceModule[];
  store: (service: string) => EventStore;
  readModels: (service: string) => Database.Database;
  /** Where the host keeps the federation tree it authorises against. */
  hostDatabase: Database.Database;
  bus: Bus;
  coopDirectory: InMemoryCoopDirectory;
  logger: Logger;
  clock?: () => Date;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Runs every module's close of business a minute past midnight Asia/Jakarta, and on start
   * closes the dates that ended while the host was down.
   */
  nightlyCloseOfBusiness?: boolean;
  /** After a failed night, how long to wait before trying again (the last delay repeats). */
  nightlyRetryDelaysMs?: readonly number[];
  relayBatchSize?: number;
}

export interface HostedService {
  name: string;
  instance: ServiceInstance;
}

/**
 * Brings service modules to life in the order the in-process bus needs: every module is
 * created, every consumer subscribes, only then do relays start publishing, then projections
 * start. The same code hosts all four services in the node and one service alone.
 */
export class ServiceHost {
  private readonly relays: Relay[] = [];
  /** Stopping waits for a nightly run in progress before the stores close. */
  private nightly: NightlyCloseOfBusiness | undefined;

  private constructor(
    readonly services: readonly HostedService[],
    private readonly options: HostOptions,
  ) {}

  static async start(options: HostOptions): Promise<ServiceHost> {
    const clock = options.clock ?? (() => new Date());
    const services: HostedService[] = [];
    for (const module of options.modules) {
      const instance = await module.create({
        store: options.store(module.name),
        readModels: options.readModels(module.name),
        coopDirectory: options.coopDirectory,
        logger: options.logger.child({ service: module.name }),
        clock,
        dataDir: options.dataDir,
        env: options.env ?? process.env,
      });
      services.push({ name: module.name, instance });
    }
    const host = new ServiceHost(services, options);
    const treeGroup = `${options.name}.coop-tree`;
    const tree = new CoopTree(options.hostDatabase, options.coopDirectory, treeGroup);
    const consumptions: Consumption[] = [
      tree.consumption(treeGroup),
      ...services.flatMap(({ instance }) => instance.consumes ?? []),
    ];
    for (const consumption of consumptions) {
      await options.bus.subscribe({
        topic: consumption.topic,
        group: consumption.group,
        handler: consumption.handler,
        ...(consumption.maxKeysInFlight ? { maxKeysInFlight: consumption.maxKeysInFlight } : {}),
      });
    }
    if (options.bus instanceof InProcessBus) await host.backfillNewGroups(consumptions);
    for (const { name, instance } of services) {
      if (!instance.publishes) continue;
      const relay = new Relay({
        name: relayName(instance.publishes.topic),
        store: options.store(name),
        bus: options.bus,
        topic: instance.publishes.topic,
        encode: instance.publishes.encode,
        ...(options.relayBatchSize ? { batchSize: options.relayBatchSize } : {}),
        onError: (error) =>
          options.logger.warn(
            { err: error, service: name },
            'relay failed; retrying from its checkpoint',
          ),
      });
      relay.start();
      host.relays.push(relay);
    }
    for (const { instance } of services) await instance.start?.();
    if (options.nightlyCloseOfBusiness) {
      host.nightly = new NightlyCloseOfBusiness({
        host: options.name,
        services,
        database: options.hostDatabase,
        clock,
        logger: options.logger,
        ...(options.nightlyRetryDelaysMs ? { retryDelaysMs: options.nightlyRetryDelaysMs } : {}),
      });
      host.nightly.start();
    }
    return host;
  }

  /**
   * On the embedded bus, hands each consumer group new to this node what its topic's store
   * has already published (see GroupBackfill), before any relay publishes more.
   */
  private async backfillNewGroups(consumptions: readonly Consumption[]): Promise<void> {
    const { hostDatabase, name, logger, store } = this.options;
    const groups = new GroupBackfill(
      hostDatabase,
      name,
      logger,
      consumptions.map((c) => c.group),
    );
    for (const consumption of consumptions) {
      if (!groups.isNew(consumption.group)) continue;
      const publisher = this.services.find(
        (s) => s.instance.publishes?.topic === consumption.topic,
      );
      // The publishing service does not run here: nothing reaches the group until it does.
      if (!publisher?.instance.publishes) continue;
      const started = performance.now();
      const handed = await groups.replay(consumption, {
        store: store(publisher.name),
        publishes: publisher.instance.publishes,
      });
      logger.info(
        {
          group: consumption.group,
          topic: consumption.topic,
          messages: handed,
          ms: Math.round(performance.now() - started),
        },
        'a consumer group new to this node has had its topic from the beginning',
      );
    }
  }

  /** Runs close of business for `businessDate` in every service that has one. */
  async closeOfBusiness(businessDate: string): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    for (const { name, instance } of this.services) {
      if (instance.closeOfBusiness) results[name] = await instance.closeOfBusiness(businessDate);
    }
    return results;
  }

  async stop(): Promise<void> {
    await this.nightly?.stop();
    await Promise.all(this.relays.map((relay) => relay.stop()));
    // In the reverse of the order they started: a service closing may still call one started before it.
    for (const { instance } of [...this.services].reverse()) await instance.close?.();
  }
}
