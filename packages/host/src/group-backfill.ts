import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { InProcessBus, type DeadLetter, type OutgoingMessage } from '@kopfed/bus';
import type { EventStore } from '@kopfed/eventstore';
import type { Consumption, Publication } from '@kopfed/service-kit';

/** Events read from the publishing store and handed to a group per round. */
const PAGE = 1_000;

/** The relay's checkpoint name for a topic: what the store has already published on it. */
export const relayName = (topic: string) => `relay:${topic}`;

/** A topic's publisher in this process: its store and what its relay publishes. */
export interface TopicPublisher {
  store: EventStore;
  publishes: Publication;
}

/**
 * The embedded bus keeps nothing, and no offsets: a consumer group sees only what is
 * published while it is subscribed. Kafka instead gives a new group its topic from the
 * beginning, and a group that was away everything since its committed offset. So the host
 * records, per consumer group and topic (`host_group_positions`), either that the group
 * follows the topic's relay (`through` NULL: the in-process bus hands it every message before
 * the relay moves its checkpoint, so it has everything up to that checkpoint, even after a
 * crash), or, for a group the node started without, the relay's checkpoint when it left. On
 * each start, before the relays run, a group is handed what was published after its position
 * — everything, for a group new to the node (one a release added, or a service added to
 * KOPFED_SERVICES) — through a bus of its own with the same retries and per-key order; its
 * inbox drops anything it already had.
 *
 * A node's first start with this table takes every group it runs as following its relay: a
 * group added by an earlier release has been running since.
 */
export class GroupPositions {
  private readonly firstStart: boolean;
  private readonly legacyKnown: ReadonlySet<string> | undefined;
  private readonly dropLegacy: () => void;
  private readonly rows;
  private readonly write;

  constructor(
    database: Database.Database,
    private readonly host: string,
    private readonly logger: Logger,
    /** Where a message that fails every retry during catch-up is kept, as the live bus keeps its own. */
    private readonly onDeadLetter?: (deadLetter: DeadLetter) => Promise<void> | void,
  ) {
    const exists = (table: string) =>
      database
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(table) !== undefined;
    // The table of an earlier build (2026-11-30): the groups it had handed their history.
    this.legacyKnown = exists('host_consumer_groups')
      ? new Set(
          database
            .prepare<[string], string>(
              'SELECT consumer_group FROM host_consumer_groups WHERE host = ?',
            )
            .pluck()
            .all(host),
        )
      : undefined;
    this.firstStart = !exists('host_group_positions') && this.legacyKnown === undefined;
    database.exec(
      `CREATE TABLE IF NOT EXISTS host_group_positions (
         host TEXT NOT NULL,
         consumer_group TEXT NOT NULL,
         topic TEXT NOT NULL,
         through INTEGER,
         PRIMARY KEY (host, consumer_group, topic)
       ) STRICT`,
    );
    this.dropLegacy = () => database.exec('DROP TABLE IF EXISTS host_consumer_groups');
    this.rows = database.prepare<
      [string],
      { consumer_group: string; topic: string; through: number | null }
    >('SELECT consumer_group, topic, through FROM host_group_positions WHERE host = ?');
    this.write = database.prepare<[string, string, string, number | null]>(
      `INSERT INTO host_group_positions (host, consumer_group, topic, through) VALUES (?, ?, ?, ?)
         ON CONFLICT (host, consumer_group, topic) DO UPDATE SET through = excluded.through`,
    );
  }

  /**
   * Brings every group of `consumptions` whose topic is published here up to its relay, and
   * records where the groups not running here stopped. Returns what each group was handed.
   */
  async catchUp(
    consumptions: readonly Consumption[],
    publisherOf: (topic: string) => TopicPublisher | undefined,
  ): Promise<{ group: string; topic: string; handed: number; ms: number }[]> {
    const key = (group: string, topic: string) => `${group}\u0000${topic}`;
    const rows = this.rows.all(this.host);
    const known = new Map(rows.map((row) => [key(row.consumer_group, row.topic), row.through]));
    const running = new Set(consumptions.map((c) => key(c.group, c.topic)));
    // Groups that followed a relay and do not run now: they have everything up to its checkpoint.
    for (const row of rows) {
      if (row.through !== null || running.has(key(row.consumer_group, row.topic))) continue;
      const publisher = publisherOf(row.topic);
      if (publisher)
        this.write.run(this.host, row.consumer_group, row.topic, await checkpointOf(publisher));
    }
    const report = [];
    for (const consumption of consumptions) {
      const { group, topic } = consumption;
      const publisher = publisherOf(topic);
      // The publishing service does not run here: nothing reaches the group until it does.
      if (!publisher) continue;
      const through = await checkpointOf(publisher);
      // null: it followed the relay; undefined: the node never ran it; else where it stopped.
      const position = known.has(key(group, topic))
        ? known.get(key(group, topic))!
        : this.legacyKnown?.has(group)
          ? null
          : undefined;
      let from: number;
      if (this.firstStart || position === null) from = through;
      else if (position === undefined) from = 0;
      else from = position;
      if (from < through) {
        const started = performance.now();
        const handed = await this.replay(consumption, publisher, from, through);
        report.push({ group, topic, handed, ms: Math.round(performance.now() - started) });
      }
      this.write.run(this.host, group, topic, null);
    }
    this.dropLegacy();
    return report;
  }

  private async replay(
    consumption: Consumption,
    { store, publishes }: TopicPublisher,
    from: number,
    through: number,
  ): Promise<number> {
    const { group, topic } = consumption;
    const bus = new InProcessBus({
      onDeadLetter: async (dead) => {
        this.logger.error(
          { topic, group, key: dead.message.key },
          'a message handed to a consumer group on start failed every retry',
        );
        await this.onDeadLetter?.(dead);
      },
    });
    await bus.subscribe({
      topic,
      group,
      handler: consumption.handler,
      ...(consumption.maxKeysInFlight ? { maxKeysInFlight: consumption.maxKeysInFlight } : {}),
    });
    let handed = 0;
    try {
      for (let after = from; after < through;) {
        // Positions need not be contiguous (KurrentDB's are commit offsets): stop at the checkpoint.
        const page = await store.readAll({ after, maxCount: PAGE });
        const events = page.filter((event) => event.position <= through);
        if (events.length === 0) break;
        const messages: OutgoingMessage[] = [];
        for (const event of events) {
          try {
            const message = publishes.encode(event, undefined);
            if (message) messages.push(message);
          } catch (error) {
            this.logger.error(
              { err: error, topic, group, eventId: event.id, position: event.position },
              'an event the current encoder does not take was not handed to a consumer group',
            );
          }
        }
        if (messages.length > 0) await bus.publish(topic, messages);
        handed += messages.length;
        after = events[events.length - 1]!.position;
      }
    } finally {
      await bus.close();
    }
    return handed;
  }
}

function checkpointOf({ store, publishes }: TopicPublisher): Promise<number> {
  return store.checkpoints.get(relayName(publishes.topic)).then((position) => position ?? 0);
}
