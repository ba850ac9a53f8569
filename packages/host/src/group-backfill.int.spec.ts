import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InProcessBus } from '@kopfed/bus';
import { SqliteEventStore, type EventStore, type RecordedEvent } from '@kopfed/eventstore';
import {
  createLogger,
  InMemoryCoopDirectory,
  type Consumption,
  type ServiceDefinition,
  type ServiceModule,
} from '@kopfed/service-kit';
import { GroupPositions, relayName } from './group-backfill';
import { ServiceHost } from './service-host';

const TOPIC = 'kopfed.things.events';
const definition = {} as ServiceDefinition;

/** Publishes every `thing-*` event of its store on TOPIC, keyed by stream. */
const publisher: ServiceModule = {
  name: 'things',
  create: async () => ({
    definition,
    publishes: {
      topic: TOPIC,
      encode: (event) => ({
        key: event.stream,
        value: JSON.stringify({ id: event.id, n: (event.data as { n: number }).n }),
        headers: {},
      }),
    },
  }),
};

/** A service a later release adds: it counts what it is handed, and drops what it has seen. */
function counter(seen: number[]): ServiceModule {
  const applied = new Set<string>();
  return {
    name: 'counter',
    create: async () => ({
      definition,
      consumes: [
        {
          topic: TOPIC,
          group: 'counter.things',
          handler: (message) => {
            const { id, n } = JSON.parse(message.value) as { id: string; n: number };
            if (applied.has(id)) return;
            applied.add(id);
            seen.push(n);
          },
        },
      ],
    }),
  };
}

describe('consumer groups on an embedded node', () => {
  const stores = new Map<string, SqliteEventStore>();
  const store = (service: string) => {
    let found = stores.get(service);
    if (!found) stores.set(service, (found = new SqliteEventStore({ file: ':memory:' })));
    return found;
  };
  const hostDatabase = new Database(':memory:');
  /** Hosts still running: a failed expectation must not leave relays polling. */
  const running = new Set<ServiceHost>();
  const dirs: string[] = [];
  const stop = async (host: ServiceHost) => {
    running.delete(host);
    await host.stop();
  };
  const start = async (modules: ServiceModule[], database = hostDatabase) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-host-'));
    dirs.push(dataDir);
    const host = await ServiceHost.start({
      name: 'node',
      modules,
      store,
      readModels: () => new Database(':memory:'),
      hostDatabase: database,
      bus: new InProcessBus(),
      coopDirectory: new InMemoryCoopDirectory(),
      logger: createLogger({ level: 'silent' }),
      dataDir,
    });
    running.add(host);
    return host;
  };
  const append = (n: number) =>
    store('things').append(
      `thing-${n % 3}`,
      [
        {
          id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
          type: 'ThingHappened',
          schemaVersion: 1,
          data: { n },
        },
      ],
      { expectedRevision: 'any' },
    );
  const published = async (through: number) => {
    for (let tries = 0; tries < 200; tries++) {
      if (((await store('things').checkpoints.get(`relay:${TOPIC}`)) ?? 0) >= through) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`the relay did not publish through ${through}`);
  };
  afterEach(async () => {
    for (const host of running) await stop(host);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    for (const s of stores.values()) await s.close();
  });

  it('a group new to the node is handed everything its topic published before, once, then what comes after', async () => {
    // The node as it ran before: the topic's history published to nobody who counts.
    const before = await start([publisher]);
    for (let n = 1; n <= 5; n++) await append(n);
    await published(5);
    await stop(before);

    const seen: number[] = [];
    const after = await start([publisher, counter(seen)]);
    // Before any relay runs again, the new group has the history in log order.
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await append(6);
    await published(6);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    await stop(after);

    // Known from now on: the next start hands it nothing again.
    const again: number[] = [];
    const third = await start([publisher, counter(again)]);
    await append(7);
    await published(7);
    expect(again).toEqual([7]);
    await stop(third);
  });

  it('a service left out of KOPFED_SERVICES for a while is handed what was published meanwhile', async () => {
    const first: number[] = [];
    const both = await start([publisher, counter(first)]);
    await append(8);
    await published(8);
    expect(first).toEqual([8]);
    await stop(both);

    // The node runs without the counter; the publisher goes on.
    const alone = await start([publisher]);
    for (let n = 9; n <= 10; n++) await append(n);
    await published(10);
    await stop(alone);

    // Put back, it resumes after what it had, as a Kafka group from its offset would.
    const back: number[] = [];
    const again = await start([publisher, counter(back)]);
    expect(back).toEqual([9, 10]);
    await append(11);
    await published(11);
    expect(back).toEqual([9, 10, 11]);
    await stop(again);
  });

  it('a node’s first start with the record takes every group it runs as following its relay', async () => {
    const fresh = new Database(':memory:');
    const seen: number[] = [];
    const host = await start([publisher, counter(seen)], fresh);
    expect(seen).toEqual([]);
    await stop(host);
    expect(
      fresh
        .prepare('SELECT consumer_group, topic, through FROM host_group_positions ORDER BY 1')
        .all(),
    ).toEqual([{ consumer_group: 'counter.things', topic: TOPIC, through: null }]);
  });

  it('a node upgraded from the earlier record hands history only to the groups it did not know', async () => {
    const earlier = (groups: string[]) => {
      const database = new Database(':memory:');
      database.exec(
        'CREATE TABLE host_consumer_groups (host TEXT NOT NULL, consumer_group TEXT NOT NULL, PRIMARY KEY (host, consumer_group)) STRICT',
      );
      for (const group of groups)
        database.prepare('INSERT INTO host_consumer_groups VALUES (?, ?)').run('node', group);
      return database;
    };
    const unknown: number[] = [];
    const upgraded = earlier(['other.group']);
    await stop(await start([publisher, counter(unknown)], upgraded));
    expect(unknown).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(
      upgraded.prepare("SELECT name FROM sqlite_master WHERE name = 'host_consumer_groups'").all(),
    ).toEqual([]);

    const known: number[] = [];
    await stop(await start([publisher, counter(known)], earlier(['counter.things'])));
    expect(known).toEqual([]);
  });

  it('hands a group only what the relay has published, where positions are not contiguous (KurrentDB)', async () => {
    // KurrentDB: a position is the event's byte offset in the transaction log.
    const events = [100, 200, 300, 400].map(
      (position, i) =>
        ({
          id: `e${i}`,
          stream: `thing-${i}`,
          type: 'ThingHappened',
          data: { n: i },
          position,
        }) as unknown as RecordedEvent,
    );
    const store = {
      readAll: async ({ after = 0, maxCount = 1000 }: { after?: number; maxCount?: number } = {}) =>
        events.filter((e) => e.position > after).slice(0, maxCount),
      // The relay has published the first two (through position 200).
      checkpoints: { get: async (name: string) => (name === relayName(TOPIC) ? 200 : undefined) },
    } as unknown as EventStore;
    const publishes = {
      topic: TOPIC,
      encode: (event: RecordedEvent) => ({ key: event.stream, value: event.id, headers: {} }),
    };
    const db = new Database(':memory:');
    const logger = createLogger({ level: 'silent' });
    // A node that already ran with this table (its first start took every group as following).
    await new GroupPositions(db, 'node', logger).catchUp([], () => undefined);
    const handed: string[] = [];
    const consumption: Consumption = {
      topic: TOPIC,
      group: 'counter.things',
      handler: (message) => void handed.push(message.value),
    };
    const report = await new GroupPositions(db, 'node', logger).catchUp([consumption], (topic) =>
      topic === TOPIC ? { store, publishes: publishes } : undefined,
    );
    // e2 and e3 are past the relay's checkpoint: the relay hands them to the group when it starts.
    expect({ handed, count: report[0]?.handed }).toEqual({ handed: ['e0', 'e1'], count: 2 });
  });

  it('keeps a message that fails every retry during catch-up where the live bus keeps its dead letters', async () => {
    const events = [1, 2].map(
      (position) =>
        ({
          id: `e${position}`,
          stream: 'thing-1',
          type: 'ThingHappened',
          position,
        }) as unknown as RecordedEvent,
    );
    const store = {
      readAll: async ({ after = 0 }: { after?: number } = {}) =>
        events.filter((e) => e.position > after),
      checkpoints: { get: async () => 2 },
    } as unknown as EventStore;
    const publishes = {
      topic: TOPIC,
      encode: (event: RecordedEvent) => ({ key: event.stream, value: event.id, headers: {} }),
    };
    const dead: { topic: string; value: string; group: string | undefined }[] = [];
    const handed: string[] = [];
    const db = new Database(':memory:');
    const logger = createLogger({ level: 'silent' });
    // A node that already ran with this table: the group is new to it, and handed the whole topic.
    await new GroupPositions(db, 'node', logger).catchUp([], () => undefined);
    const positions = new GroupPositions(
      db,
      'node',
      logger,
      (letter) =>
        void dead.push({
          topic: letter.topic,
          value: letter.message.value,
          group: letter.message.headers?.['kopfed-dlq-group'],
        }),
    );
    await positions.catchUp(
      [
        {
          topic: TOPIC,
          group: 'counter.things',
          handler: (message) => {
            if (message.value === 'e1') throw new Error('cannot apply e1');
            handed.push(message.value);
          },
        },
      ],
      () => ({ store, publishes }),
    );
    expect(handed).toEqual(['e2']);
    expect(dead).toEqual([{ topic: `${TOPIC}.dlq`, value: 'e1', group: 'counter.things' }]);
  });
});
