import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InProcessBus } from '@kopfed/bus';
import type { EventStore } from '@kopfed/eventstore';
import {
  createLogger,
  InMemoryCoopDirectory,
  type ServiceDefinition,
  type ServiceModule,
} from '@kopfed/service-kit';
import { ServiceHost } from './service-host';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-host-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the nightly close of business', () => {
  afterEach(() => jest.useRealTimers());

  it('runs a minute past midnight in Jakarta, and stopping waits for a run in progress', async () => {
    // 23:59:30 in Jakarta on 2 March.
    jest.useFakeTimers({ now: new Date('2026-03-02T16:59:30.000Z') });
    const closed: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    const nightlyOnly: ServiceModule = {
      name: 'nightly',
      create: async () => ({
        definition: {} as ServiceDefinition,
        closeOfBusiness: async (businessDate) => {
          started();
          await finishing;
          closed.push(businessDate);
        },
      }),
    };
    const host = await ServiceHost.start({
      name: 'test',
      modules: [nightlyOnly],
      store: () => ({}) as EventStore,
      readModels: () => new Database(':memory:'),
      hostDatabase: new Database(':memory:'),
      bus: new InProcessBus(),
      coopDirectory: new InMemoryCoopDirectory(),
      logger: createLogger({ level: 'silent' }),
      dataDir: dataDir(),
      nightlyCloseOfBusiness: true,
    });
    await jest.advanceTimersByTimeAsync(89_000);
    expect(closed).toEqual([]);
    await jest.advanceTimersByTimeAsync(2_000);
    await running;

    let stopped = false;
    const stopping = host.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(closed).toEqual(['2026-03-02']);
  });
});

describe('stopping the host', () => {
  it('stops the consumers before any service closes, so no message reaches a closed service', async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    const consumer: ServiceModule = {
      name: 'consumer',
      create: async () => ({
        definition: {} as ServiceDefinition,
        consumes: [
          {
            topic: 'kopfed.elsewhere.events',
            group: 'consumer.elsewhere',
            handler: (message) => void seen.push(`handled ${message.key}`),
          },
        ],
        close: async () => {
          seen.push('closing');
          // Another process's service publishes while this one closes (Kafka in production).
          await bus.publish('kopfed.elsewhere.events', [{ key: 'late', value: '{}', headers: {} }]);
          seen.push('closed');
        },
      }),
    };
    const host = await ServiceHost.start({
      name: 'test',
      modules: [consumer],
      store: () => ({}) as EventStore,
      readModels: () => new Database(':memory:'),
      hostDatabase: new Database(':memory:'),
      bus,
      coopDirectory: new InMemoryCoopDirectory(),
      logger: createLogger({ level: 'silent' }),
      dataDir: dataDir(),
    });
    await bus.publish('kopfed.elsewhere.events', [{ key: 'early', value: '{}', headers: {} }]);
    await host.stop();
    expect(seen).toEqual(['handled early', 'closing', 'closed']);
  });
});

describe('a host that fails to start', () => {
  it('closes the services it had already created, and says why it failed', async () => {
    const closed: string[] = [];
    const opens = (name: string): ServiceModule => ({
      name,
      create: async () => ({
        definition: {} as ServiceDefinition,
        close: async () => void closed.push(name),
      }),
    });
    const fails: ServiceModule = {
      name: 'broken',
      create: async () => {
        throw new Error('its tables could not be set up');
      },
    };
    await expect(
      ServiceHost.start({
        name: 'test',
        modules: [opens('first'), opens('second'), fails],
        store: () => ({}) as EventStore,
        readModels: () => new Database(':memory:'),
        hostDatabase: new Database(':memory:'),
        bus: new InProcessBus(),
        coopDirectory: new InMemoryCoopDirectory(),
        logger: createLogger({ level: 'silent' }),
        dataDir: dataDir(),
      }),
    ).rejects.toThrow('its tables could not be set up');
    // In the reverse of the order they were created, as a host that stops.
    expect(closed).toEqual(['second', 'first']);
  });
});
