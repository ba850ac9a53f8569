import { loadComposeFile, type ComposeService } from './compose-file';
import { repoFileExists, repoPath, SERVICES, serviceSourceFolders, sourceText } from './repo';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const compose = loadComposeFile();
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`compose has no service ${name}`);
  return found;
};
const env = (name: string) => service(name).environment ?? {};

describe('compose file (infra/compose/compose.yaml)', () => {
  it('builds each kopfed service from its own Dockerfile in infra/docker', () => {
    for (const name of SERVICES) {
      const build = service(name).build!;
      expect(resolve(repoPath('infra', 'compose'), build.context)).toBe(repoPath());
      expect(build.dockerfile).toBe(`infra/docker/${name}.Dockerfile`);
      expect(repoFileExists(build.dockerfile)).toBe(true);
    }
  });

  it.each(SERVICES.map((s) => [s]))(
    'gives %s only environment variables its code reads',
    (name) => {
      const code = sourceText(serviceSourceFolders(name));
      const unknown = Object.keys(env(name)).filter((variable) => !code.includes(variable));
      expect(unknown).toEqual([]);
    },
  );

  it('points every service at Kafka and tracing at the collector', () => {
    for (const name of SERVICES) {
      expect(env(name).KOPFED_BUS_URL).toBe('kafka://kafka-1:9092,kafka-2:9092,kafka-3:9092');
      expect(env(name).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      expect(service(name).depends_on?.['kafka-topics']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
  });

  it('runs a three-node insecure KurrentDB cluster taking 8 MB appends', () => {
    const nodes = ['kurrentdb-1', 'kurrentdb-2', 'kurrentdb-3'];
    for (const node of nodes) {
      const e = env(node);
      expect(service(node).image).toMatch(/^docker\.kurrent\.io\/kurrent-latest\/kurrentdb:/);
      expect([e.KURRENTDB_CLUSTER_SIZE, e.KURRENTDB_INSECURE]).toEqual(['3', 'true']);
      expect(Number(e.KURRENTDB_MAX_APPEND_SIZE)).toBeGreaterThanOrEqual(8 * 1024 * 1024);
      const seeds = String(e.KURRENTDB_GOSSIP_SEED).split(',');
      expect(seeds.sort()).toEqual(nodes.filter((n) => n !== node).map((n) => `${n}:2113`));
    }
    const url = String(env('savings').KOPFED_EVENTSTORE_URL);
    expect(url).toBe(`kurrentdb://${nodes.map((n) => `${n}:2113`).join(',')}?tls=false`);
  });

  it('runs three KRaft brokers on Kafka 3.x (kafkajs 2.2.4 does not speak Kafka 4)', () => {
    const ids = ['kafka-1', 'kafka-2', 'kafka-3'].map((broker) => {
      expect(service(broker).image).toMatch(/^apache\/kafka:3\.\d+\.\d+$/);
      expect(env(broker).KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(env(broker).KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(
        '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
      );
      expect(env(broker).KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
      return env(broker).KAFKA_NODE_ID;
    });
    expect(ids).toEqual(['1', '2', '3']);
  });

  it('creates every service’s topics with replication 3 and min.insync.replicas 2', () => {
    const job = env('kafka-topics');
    expect(String(job.KOPFED_SERVICES).split(' ')).toEqual([...SERVICES]);
    expect([job.REPLICATION_FACTOR, job.MIN_INSYNC_REPLICAS]).toEqual(['3', '2']);
    expect(Number(job.EVENT_PARTITIONS)).toBeGreaterThanOrEqual(3);
  });

  it('mounts only files that exist', () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      for (const volume of definition.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.')) {
          expect([name, compose.volumes && source in compose.volumes]).toEqual([name, true]);
          continue;
        }
        expect([name, existsSync(resolve(repoPath('infra', 'compose'), source))]).toEqual([
          name,
          true,
        ]);
      }
    }
  });
});
