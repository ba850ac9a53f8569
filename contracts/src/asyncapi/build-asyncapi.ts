import { z } from 'zod';
import type { EventCatalog, EventDefinition, EventVersion } from '../catalog';
import { EnvelopeAttributes } from '../envelope';
import { asyncApiSchemaOf, type JsonSchema } from '../json-schema';
import { eventSource, eventType, topicOf } from '../naming';
import { exampleEnvelope } from './example-envelope';

const KAFKA_BINDING_VERSION = '0.5.0';

const DESCRIPTION = `The integration events of kopfed's services, generated from the zod schemas in \`contracts/\`.

Each message is a CloudEvents 1.0 envelope in structured mode: the whole envelope is the message value, \`data\` holds the event. Kafka messages are keyed by the envelope's \`subject\` (the aggregate id), so the events of one aggregate stay in order.

- CloudEvents type: \`kopfed.<service>.<EventName>.v<version>\`; \`schemaversion\` repeats the version.
- One topic per producing service: \`kopfed.<service>.events\`.
- Producers publish the latest version of each event; consumers accept every published version and upcast it to the latest.

Two ways to run, one contract: distributed, the topics live on Kafka (the \`kafka\` server); embedded (\`npm start\`, one process), the same envelopes travel on the in-process bus under the same topic names, fed by the same outbox relay.`;

export interface AsyncApiOptions {
  /** The version of the contracts package. */
  version: string;
}

/** The AsyncAPI 3.0.0 document of a catalog: one channel per topic, one message per version. */
export function buildAsyncApi(catalog: EventCatalog, options: AsyncApiOptions): JsonSchema {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const service of [...new Set(catalog.definitions.map((d) => d.service))]) {
    const channelMessages: Record<string, unknown> = {};
    for (const definition of catalog.definitions.filter((d) => d.service === service)) {
      for (const version of definition.versions) {
        const key = messageKey(definition, version);
        messages[key] = message(definition, version);
        channelMessages[key] = { $ref: `#/components/messages/${key}` };
      }
    }
    const topic = topicOf(service);
    channels[service] = {
      address: topic,
      title: topic,
      description: `Every event the ${service} service publishes.`,
      messages: channelMessages,
      bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    operations[`${service}.publish`] = {
      action: 'send',
      title: `The ${service} service publishes its events`,
      channel: { $ref: `#/channels/${service}` },
      messages: Object.keys(channelMessages).map((key) => ({
        $ref: `#/channels/${service}/messages/${key}`,
      })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'kopfed integration events',
      version: options.version,
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      kafka: {
        host: '{brokers}',
        protocol: 'kafka',
        description: 'Distributed mode: the Kafka cluster.',
        variables: { brokers: { default: 'localhost:9092', description: 'bootstrap brokers' } },
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

function messageKey(definition: EventDefinition, version: EventVersion): string {
  return `${definition.name}.v${version.version}`;
}

function message(definition: EventDefinition, version: EventVersion): Record<string, unknown> {
  const latest = definition.versions.length;
  const superseded =
    version.version < latest
      ? ` Superseded by v${latest}: producers no longer publish it, consumers still accept it.`
      : '';
  const payload = EnvelopeAttributes.extend({
    source: z.literal(eventSource(definition.service)),
    type: z.literal(eventType(definition.service, definition.name, version.version)),
    schemaversion: z.literal(version.version),
    data: version.schema,
  });
  return {
    name: definition.name,
    title: `${definition.name} v${version.version}`,
    summary: definition.description + superseded,
    contentType: 'application/cloudevents+json',
    payload: asyncApiSchemaOf(payload),
    bindings: {
      kafka: {
        key: { type: 'string', description: 'the subject: the aggregate id' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    examples: [
      { name: messageKey(definition, version), payload: exampleEnvelope(definition, version) },
    ],
  };
}
