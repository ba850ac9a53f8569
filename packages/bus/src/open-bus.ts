import type { KafkaBus as KafkaBusClass } from './kafka/kafka-bus';
import { InvalidBusRequestError } from './errors';
import { InProcessBus } from './in-process/in-process-bus';
import type { Bus } from './types';

export interface OpenBusOptions {
  /** Names this process to the broker (Kafka client id). */
  clientId: string;
}

/**
 * Opens a bus from a URL, so configuration picks the adapter:
 *   in-process              every service in this process (the embedded default)
 *   kafka://host:9092,host2:9092   a Kafka cluster
 */
export function openBus(url: string, options: OpenBusOptions): Bus {
  if (url === 'in-process') return new InProcessBus();
  if (url.startsWith('kafka://')) {
    // Loaded on demand: the embedded default never pays for the Kafka client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KafkaBus } = require('./kafka/kafka-bus') as { KafkaBus: typeof KafkaBusClass };
    const brokers = url
      .slice('kafka://'.length)
      .split(',')
      .filter((b) => b.length > 0);
    return new KafkaBus({ brokers, clientId: options.clientId });
  }
  throw new InvalidBusRequestError('url', `unknown bus URL: ${url.split(':')[0]}`);
}
