import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { InProcessBus, type Bus, type BusSubscription, type DeadLetter } from '@kopfed/bus';
import type { EventStore } from '@kopfed/eventstore';
import { Relay } from '@kopfed/messaging';
import type {
  Consumption,
  InMemoryCoopDirectory,
  ServiceInstance,
  ServiceModule,
} from '@kopfed/service-kit';
import { CoopTree } from './coop-tree';
import { GroupPositions, relayName } from './group-backfill';
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
  /**
   * Where a message that fails every retry while a consumer group catches up on start is kept
   * (embedded bus): give it the sink the bus's own `onDeadLetter` uses.
   */
  onDeadLetter?: (deadLetter: DeadLetter) => Promise<void> | void;
}

export interface HostedService {
  name: string;
  instance: ServiceInstance;
}

/**
 * Brings service modules to life in the order the in-process bus needs: every module is
 * created, every consumer subscribes, projections start, consumer groups catch up on what they
 * missed (embedded bus only), and only then do relays start publishing. The same code hosts
 * all four services in the node and one service alone.
 */
export class ServiceHost {
  private readonly relays: Relay[] = [];
  private readonly subscriptions: BusSubscription[] = [];
  /** Stopping waits for a nightly run in progress before the stores close. */
  private nightly: NightlyCloseOfBusiness | undefined;

  private constructor(
    readonly services: readonly HostedService[],
    private readonly options: HostOptions,
  ) {}

  static async start(options: HostOptions): Promise<ServiceHost> {
    const services: HostedService[] = [];
    const host = new ServiceHost(services, options);
    try {
      await host.startWith(services);
      return host;
    } catch (error) {
      // Nothing else will close what was opened before the failure: services already created
      // (their files, their threads), consumers subscribed, relays started.
      await host
        .stop()
        .catch((stopError: unknown) =>
          options.logger.error(
            { err: stopError },
            'a host that failed to start did not stop cleanly',
          ),
        );
      throw error;
    }
  }

  private async startWith(services: HostedService[]): Promise<void> {
    const options = this.options;
    const clock = options.clock ?? (() => new Date());
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
    const treeGroup = `${options.name}.coop-tree`;
    const tree = new CoopTree(options.hostDatabase, options.coopDirectory, treeGroup);
    const consumptions: Consumption[] = [
      tree.consumption(treeGroup),
      ...services.flatMap(({ instance }) => instance.consumes ?? []),
    ];
    for (const consumption of consumptions) {
      const subscription = await options.bus.subscribe({
        topic: consumption.topic,
        group: consumption.group,
        handler: consumption.handler,
        ...(consumption.maxKeysInFlight ? { maxKeysInFlight: consumption.maxKeysInFlight } : {}),
      });
      this.subscriptions.push(subscription);
    }
    // Projections run before the groups catch up: a consumer may read its service's models.
    for (const { instance } of services) await instance.start?.();
    if (options.bus instanceof InProcessBus) await this.catchUpGroups(consumptions);
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
      this.relays.push(relay);
    }
    if (options.nightlyCloseOfBusiness) {
      this.nightly = new NightlyCloseOfBusiness({
        host: options.name,
        services,
        database: options.hostDatabase,
        clock,
        logger: options.logger,
        ...(options.nightlyRetryDelaysMs ? { retryDelaysMs: options.nightlyRetryDelaysMs } : {}),
      });
      this.nightly.start();
    }
  }

  /**
   * On the embedded bus, hands each consumer group what its topic's store published while it
   * was not subscribed (see GroupPositions), before any relay publishes more.
   */
  private async catchUpGroups(consumptions: readonly Consumption[]): Promise<void> {
    const { hostDatabase, name, logger, store } = this.options;
    const positions = new GroupPositions(hostDatabase, name, logger, this.options.onDeadLetter);
    const caughtUp = await positions.catchUp(consumptions, (topic) => {
      const publisher = this.services.find((s) => s.instance.publishes?.topic === topic);
      return publisher?.instance.publishes
        ? { store: store(publisher.name), publishes: publisher.instance.publishes }
        : undefined;
    });
    for (const { group, topic, handed, ms } of caughtUp)
      logger.info(
        { group, topic, messages: handed, ms },
        'a consumer group was handed what its topic published while it was away',
      );
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
    // No message reaches a service once it begins to close: the consumers stop first.
    await Promise.all(this.subscriptions.map((subscription) => subscription.stop()));
    // In the reverse of the order they started: a service closing may still call one started before it.
    for (const { instance } of [...this.services].reverse()) await instance.close?.();
  }
}
