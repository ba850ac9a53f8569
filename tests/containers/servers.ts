import { KafkaContainer, type StartedKafkaContainer } from '@testcontainers/kafka';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { ensureTopics } from '@kopfed/bus/src/kafka/kafka-admin';

/** The images the adapters' conformance suites run against. */
export const KURRENTDB_IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1';
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.6.1';
/** The PLAINTEXT listener @testcontainers/kafka maps to the host. */
const KAFKA_CLIENT_PORT = 9093;
const KURRENTDB_HTTP_PORT = 2113;
export const STARTUP_TIMEOUT_MS = 300_000;

export interface RunningKurrentDb {
  /** `kurrentdb://host:port?tls=false`, for KOPFED_EVENTSTORE_URL and openEventStore. */
  url: string;
  stop(): Promise<void>;
}

/** One insecure KurrentDB node, its append limit raised as the adapter needs (8 MB). */
export async function startKurrentDb(): Promise<RunningKurrentDb> {
  const container: StartedTestContainer = await new GenericContainer(KURRENTDB_IMAGE)
    .withEnvironment({
      KURRENTDB_INSECURE: 'true',
      KURRENTDB_RUN_PROJECTIONS: 'None',
      KURRENTDB_MEM_DB: 'true',
      KURRENTDB_MAX_APPEND_SIZE: String(8 * 1024 * 1024),
    })
    .withExposedPorts(KURRENTDB_HTTP_PORT)
    .withWaitStrategy(Wait.forHttp('/health/live', KURRENTDB_HTTP_PORT))
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  const host = `${container.getHost()}:${container.getMappedPort(KURRENTDB_HTTP_PORT)}`;
  return { url: `kurrentdb://${host}?tls=false`, stop: async () => void (await container.stop()) };
}

export interface RunningKafka {
  brokers: string[];
  /** `kafka://host:port`, for KOPFED_BUS_URL and openBus. */
  url: string;
  stop(): Promise<void>;
}

/** One KRaft broker with kopfed's topics (and their dead-letter topics) created. */
export async function startKafka(services: readonly string[]): Promise<RunningKafka> {
  const container: StartedKafkaContainer = await new KafkaContainer(KAFKA_IMAGE)
    .withKraft()
    .withStartupTimeout(STARTUP_TIMEOUT_MS)
    .start();
  const brokers = [`${container.getHost()}:${container.getMappedPort(KAFKA_CLIENT_PORT)}`];
  const topics = services.flatMap((s) => [`kopfed.${s}.events`, `kopfed.${s}.events.dlq`]);
  // As infra/kafka/create-topics.sh does, on one broker: replication 1.
  await ensureTopics({ brokers, clientId: 'kopfed-e2e-admin' }, topics, {
    partitions: 3,
    replicationFactor: 1,
  });
  return {
    brokers,
    url: `kafka://${brokers.join(',')}`,
    stop: async () => void (await container.stop()),
  };
}
