import { z } from 'zod';
import { ContractError } from './contract-error';
import { CoopId, EventId } from './ids';
import {
  EVENT_SOURCE_PATTERN,
  EVENT_TYPE_PATTERN,
  eventSource,
  eventType,
  MAX_SCHEMA_VERSION,
  parseEventType,
} from './naming';
import { IsoDate, IsoInstant } from './time';

/** Visible ASCII: ids travel as Kafka headers and log fields, where anything else is trouble. */
const MessageId = z.string().regex(/^[\x21-\x7e]{1,128}$/);

/**
 * The envelope on the bus: CloudEvents 1.0 attributes, in structured mode (the whole envelope
 * is the message value), plus kopfed's extension attributes — lowercase, as CloudEvents
 * requires. Unknown extension attributes are tolerated and dropped on parse.
 */
export const EnvelopeAttributes = z.object({
  specversion: z.literal('1.0'),
  id: EventId.describe('the event id, a UUID; consumers deduplicate on it'),
  source: z
    .string()
    .regex(EVENT_SOURCE_PATTERN)
    .describe('the producing service, /kopfed/<service>'),
  type: z
    .string()
    .regex(EVENT_TYPE_PATTERN)
    .describe('kopfed.<service>.<EventName>.v<schemaversion>'),
  time: IsoInstant.describe('when the event was recorded (UTC)'),
  subject: z.string().min(1).max(256).describe('the aggregate id; also the message key on the bus'),
  datacontenttype: z.literal('application/json'),
  dataschema: z.url().optional(),
  correlationid: MessageId.describe('id of the request that started the chain'),
  causationid: MessageId.describe('id of the message (request or event) that caused this one'),
  // Not pattern-checked: a malformed trace context must never stop a delivery; tracing
  // ignores it and starts a new trace (W3C trace-context).
  traceparent: z.string().min(1).max(512).optional().describe('W3C trace context'),
  coopid: CoopId.optional().describe('the tenant (coop) the event belongs to'),
  businessdate: IsoDate.describe('business date in Asia/Jakarta'),
  schemaversion: z.int().min(1).max(MAX_SCHEMA_VERSION).describe('schema version of data'),
});
export type EnvelopeAttributes = z.output<typeof EnvelopeAttributes>;

export const Envelope = EnvelopeAttributes.extend({
  data: z.unknown().refine((data) => data !== undefined, 'data is required'),
});
export type Envelope<Data = unknown> = EnvelopeAttributes & { data: Data };

export interface EnvelopeInput<Data> {
  id: string;
  service: string;
  name: string;
  version: number;
  /** The aggregate id. */
  subject: string;
  /** recordedAt, a UTC instant. */
  time: string;
  businessDate: string;
  data: Data;
  /** Defaults to the event id: the event starts its own chain. */
  correlationId?: string;
  /** Defaults to the event id. */
  causationId?: string;
  traceparent?: string;
  coopId?: string;
  dataschema?: string;
}

/** Builds and validates an envelope; throws ContractError('invalid_envelope') when malformed. */
export function toEnvelope<Data>(input: EnvelopeInput<Data>): Envelope<Data> {
  // Built by assignment, not by spreads: with the copy of zod's output below, the spreads
  // cost about as much as the validation (a relay builds one envelope per event it publishes).
  const attributes: Record<string, unknown> = {
    specversion: '1.0',
    id: input.id,
    source: eventSource(input.service),
    type: eventType(input.service, input.name, input.version),
    time: input.time,
    subject: input.subject,
    datacontenttype: 'application/json',
  };
  if (input.dataschema !== undefined) attributes.dataschema = input.dataschema;
  attributes.correlationid = input.correlationId ?? input.id;
  attributes.causationid = input.causationId ?? input.id;
  if (input.traceparent !== undefined) attributes.traceparent = input.traceparent;
  if (input.coopId !== undefined) attributes.coopid = input.coopId;
  attributes.businessdate = input.businessDate;
  attributes.schemaversion = input.version;
  const result = EnvelopeAttributes.safeParse(attributes);
  if (!result.success) {
    throw new ContractError('invalid_envelope', 'cannot build an envelope', result.error.issues);
  }
  // zod's output is a fresh object of our own: the data joins it without another copy.
  const envelope = result.data as Envelope<Data>;
  envelope.data = input.data;
  return envelope;
}

/**
 * Validates an envelope from the bus: its attributes, and that its type, source and
 * schemaversion agree. The data is left for the catalog to check against its schema.
 */
export function parseEnvelope(value: unknown): Envelope {
  const result = Envelope.safeParse(value);
  if (!result.success) {
    throw new ContractError('invalid_envelope', 'not a kopfed envelope', result.error.issues);
  }
  const envelope = result.data;
  const type = parseEventType(envelope.type);
  if (type === undefined || eventSource(type.service) !== envelope.source) {
    throw new ContractError(
      'invalid_envelope',
      `type ${envelope.type} does not belong to source ${envelope.source}`,
    );
  }
  if (type.version !== envelope.schemaversion) {
    throw new ContractError(
      'invalid_envelope',
      `type ${envelope.type} says v${type.version} but schemaversion is ${envelope.schemaversion}`,
    );
  }
  return envelope;
}
