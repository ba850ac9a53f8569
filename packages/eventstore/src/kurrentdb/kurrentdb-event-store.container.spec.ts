import { randomUUID } from 'node:crypto';
import { describeWithContainers } from '@kopfed/testkit';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { describeEventStoreConformance } from '../conformance/event-store-conformance';

const IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1';
const HTTP_PORT = 2113;

describeWithContainers('KurrentDB event store (testcontainers)', () => {
  let container: StartedTestContainer | undefined;
  let url = '';

  beforeAll(async () => {
    container = await new GenericContainer(IMAGE)
      .withEnvironment({
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_RUN_PROJECTIONS: 'None',
        KURRENTDB_MEM_DB: 'true',
        // The conformance suite appends 10,000 events at once (about 1.5 MB with the
        // adapter's metadata); the server's default limit on one append is 1 MB.
        KURRENTDB_MAX_APPEND_SIZE: String(8 * 1024 * 1024),
      })
      .withExposedPorts(HTTP_PORT)
      .withWaitStrategy(Wait.forHttp('/health/live', HTTP_PORT))
      .withStartupTimeout(180_000)
      .start();
    url = `kurrentdb://${container.getHost()}:${container.getMappedPort(HTTP_PORT)}?tls=false`;
  }, 300_000);

  afterAll(async () => {
    await container?.stop();
  });

  // Every test gets its own service, hence its own namespace of streams, in the one node.
  describeEventStoreConformance({
    name: 'KurrentDB',
    contiguousPositions: false,
    fresh: () => ({ url, service: `svc${randomUUID().replace(/-/g, '')}` }),
  });
});
