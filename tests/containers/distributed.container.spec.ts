import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBus, type Bus, type IncomingMessage } from '@kopfed/bus';
import { openEventStore } from '@kopfed/eventstore';
import { describeWithContainers } from '@kopfed/testkit';
import { MemberClient } from './member-client';
import { countRows, eventually } from './read-models';
import { environmentOf, mainOf, SERVICES_UNDER_TEST, type ServiceUnderTest } from './scenario';
import {
  startKafka,
  startKurrentDb,
  STARTUP_TIMEOUT_MS,
  type RunningKafka,
  type RunningKurrentDb,
} from './servers';
import { startService, type ServiceProcess } from './service-process';

const READY_TIMEOUT_MS = 120_000;
const FEDERATION = { parent: 'puskopdit-e2e', primary: 'ksp-e2e' } as const;

describeWithContainers(
  'distributed deployment: each service its own process on Kafka and KurrentDB',
  () => {
    let kurrentDb: RunningKurrentDb | undefined;
    let kafka: RunningKafka | undefined;
    let root = '';
    const running = new Map<
      string,
      { spec: ServiceUnderTest; process: ServiceProcess; dir: string }
    >();
    const buses: Bus[] = [];

    beforeAll(
      async () => {
        [kurrentDb, kafka] = await Promise.all([
          startKurrentDb(),
          startKafka(SERVICES_UNDER_TEST.map((s) => s.name)),
        ]);
        root = mkdtempSync(join(tmpdir(), 'kopfed-e2e-'));
        // One after the other: services that share the `access` namespace bootstrap the same key.
        for (const spec of SERVICES_UNDER_TEST) {
          const dir = join(root, spec.name);
          mkdirSync(dir, { recursive: true });
          const env = environmentOf(
            spec,
            { kurrentDbUrl: kurrentDb.url, kafkaUrl: kafka.url },
            dir,
          );
          const process = await startService(spec.name, mainOf(spec.name), env, READY_TIMEOUT_MS);
          running.set(spec.name, { spec, process, dir });
        }
      },
      STARTUP_TIMEOUT_MS + READY_TIMEOUT_MS * SERVICES_UNDER_TEST.length,
    );

    afterAll(async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      await Promise.all([...running.values()].map(({ process }) => process.stop()));
      await Promise.all([kurrentDb?.stop(), kafka?.stop()]);
      if (root) rmSync(root, { recursive: true, force: true });
    }, 120_000);

    const runningService = (name: string) => {
      const found = running.get(name);
      if (!found) throw new Error(`${name} is not running`);
      return found;
    };
    const member = () => new MemberClient(runningService('member').process.baseUrl);

    it('runs every service as its own process', () => {
      expect([...running.keys()]).toEqual(SERVICES_UNDER_TEST.map((s) => s.name));
    });

    it('registers a federation and its members through the member service', async () => {
      const client = member();
      await client.registerCoop(FEDERATION.parent, 'secondary', null);
      await client.registerCoop(FEDERATION.primary, 'primary', FEDERATION.parent);
      await client.joinPerson(FEDERATION.primary, 'E2E-0001', 1);
      await client.joinPerson(FEDERATION.primary, 'E2E-0002', 2);
      expect(await client.getCoop(FEDERATION.primary)).toBe(200);
    }, 60_000);

    it('publishes the member events on Kafka, keyed by aggregate id, from the relay', async () => {
      const bus = openBus(kafka!.url, { clientId: 'kopfed-e2e-observer' });
      buses.push(bus);
      const seen: IncomingMessage[] = [];
      await bus.subscribe({
        topic: 'kopfed.member.events',
        group: `e2e-observer-${Date.now()}`,
        handler: (message) => void seen.push(message),
      });
      const registered = (coopId: string) =>
        seen.some(
          (m) =>
            m.key === coopId && m.headers['ce-type']?.startsWith('kopfed.member.CoopRegistered.'),
        );
      await eventually(
        'CoopRegistered for both coops on kopfed.member.events',
        () => registered(FEDERATION.parent) && registered(FEDERATION.primary),
      );
    }, 90_000);

    it.each(
      SERVICES_UNDER_TEST.filter((s) => s.name !== 'member').map((s) => [s.name, s] as const),
    )(
      '%s, in its own process, learns the federation tree from Kafka',
      async (name, spec) => {
        const found = runningService(name);
        await eventually(
          `${name}'s coop tree to hold ${FEDERATION.primary} under ${FEDERATION.parent}`,
          () =>
            countRows(found.dir, 'coop_tree', 'coop_id = ? AND parent_id = ?', [
              FEDERATION.primary,
              FEDERATION.parent,
            ]) > 0,
        );
        if (spec.sawMembers) {
          const { table, coopColumn } = spec.sawMembers;
          await eventually(
            `${name}'s ${table} to hold both members`,
            () => countRows(found.dir, table, `${coopColumn} = ?`, [FEDERATION.primary]) === 2,
          );
        }
      },
      90_000,
    );

    it('keeps the events of the services configured for KurrentDB in KurrentDB', async () => {
      const onKurrentDb = [...running.values()].filter(({ spec }) => spec.store === 'kurrentdb');
      if (onKurrentDb.length === 0) return;
      // Their API keys live in the `access` namespace: the bootstrap admin key was written there.
      const access = openEventStore(kurrentDb!.url, { service: 'access' });
      try {
        expect(await access.headPosition()).toBeGreaterThan(0);
        expect(await access.readBatches({ maxCount: 1 })).toHaveLength(1);
      } finally {
        await access.close();
      }
    });
  },
);
