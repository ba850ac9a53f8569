import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { InProcessBus } from '@kopfed/bus';
import type { EventStore } from '@kopfed/eventstore';
import type { Consumption, Publication } from '@kopfed/service-kit';

/** Events read from the publishing store and handed to the new group per round. */
const PAGE = 1_000;

/** The relay's checkpoint name for a topic: what the store has already published on it. */
export const relayName = (topic: string) => `relay:${topic}`;

/**
 * The embedded bus keeps nothing: a consumer group new to a node — one a release added, or
 * a service the node did not run before — would see only what is published after it first
 * subscribes, where Kafka gives a new group its topic from the beginning. So, before the
 * relays start, the host hands such a group everything the topic's store has already
 * published, in log order, through a bus of its own with the same retries and per-key
 * order; the group's inbox drops what it may already have. A group is recorded as known
 * once it has had its history, so this happens once per group.
 *
 * A node's first start with this table records every group it runs as known: a group
 * added by an earlier release has already been running since.
 */
export class GroupBackfill {
  private readonly known: Set<string>;
  private readonly record;

  constructor(
    database: Database.Database,
    private readonly host: string,
    private readonly logger: Logger,
    groups: readonly string[],
  ) {
    const firstStart =
      database
        .prepare(
          "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'host_consumer_groups'",
        )
        .get() === undefined;
    database.exec(
      `CREATE TABLE IF NOT EXISTS host_consumer_groups (
         host TEXT NOT NULL,
         consumer_group TEXT NOT NULL,
         PRIMARY KEY (host, consumer_group)
       ) STRICT`,
    );
    this.record = database.prepare<[string, string]>(
      'INSERT OR IGNORE INTO host_consumer_groups (host, consumer_group) VALUES (?, ?)',
    );
    if (firstStart) for (const group of groups) this.record.run(host, group);
    this.known = new Set(
      database
        .prepare<[string], string>('SELECT consumer_group FROM host_consumer_groups WHERE host = ?')
        .pluck()
        .all(host),
    );
  }

  /** True when `group` has not had its history yet. */
  isNew(group: string): boolean {
    return !this.known.has(group);
  }

  /**
   * Hands `consumption` every event of `publisher`'s store up to what its relay has
   * published, then records the group as known. Messages that fail every retry are logged
   * as dead letters, as the node's bus would, and the history goes on.
   */
  async replay(
    consumption: Consumption,
    publisher: { store: EventStore; publishes: Publication },
  ): Promise<number> {
    const { store, publishes } = publisher;
    const through = (await store.checkpoints.get(relayName(publishes.topic))) ?? 0;
    const bus = new InProcessBus({
      onDeadLetter: (dead) =>
        this.logger.error(
          { topic: consumption.topic, group: consumption.group, key: dead.message.key },
          'a message of the history handed to a new consumer group failed every retry',
        ),
    });
    await bus.subscribe({
      topic: consumption.topic,
      group: consumption.group,
      handler: consumption.handler,
      ...(consumption.maxKeysInFlight ? { maxKeysInFlight: consumption.maxKeysInFlight } : {}),
    });
    let handed = 0;
    try {
      for (let after = 0; after < through;) {
        const events = await store.readAll({ after, maxCount: Math.min(PAGE, through - after) });
        if (events.length === 0) break;
        const messages = events.flatMap((event) => publishes.encode(event, undefined) ?? []);
        if (messages.length > 0) await bus.publish(consumption.topic, messages);
        handed += messages.length;
        after = events[events.length - 1]!.position;
      }
    } finally {
      await bus.close();
    }
    this.record.run(this.host, consumption.group);
    this.known.add(consumption.group);
    return handed;
  }
}
