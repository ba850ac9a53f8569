import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What openEventStore opens: a SQLite directory, an in-memory store, or a KurrentDB cluster. */
export const EVENT_STORE_URL = /^(sqlite:\S.*|kurrentdb(\+discover)?:\/\/\S+|esdb:\/\/\S+)$/;

/** What openBus opens; brokers as kafkajs takes them (host:port, no IPv6 literals). */
export const BUS_URL =
  /^(in-process|kafka:\/\/[A-Za-z0-9._-]+:\d{1,5}(,[A-Za-z0-9._-]+:\d{1,5})*)$/;

/** Samplers the OpenTelemetry SDK reads from OTEL_TRACES_SAMPLER. */
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export interface CommonSettingsOptions {
  /** Names the process in traces (OTEL_SERVICE_NAME defaults to `kopfed-<service>`). */
  service: string;
  /** The default of PORT. */
  port: number;
  /**
   * A service run alone against servers: KOPFED_EVENTSTORE_URL and KOPFED_BUS_URL must be
   * set, since a default would quietly give it a private store and a bus nobody else is on.
   */
  distributed?: boolean;
}

const eventStoreUrl = z
  .string()
  .regex(EVENT_STORE_URL, 'must be sqlite:<directory>, sqlite::memory: or kurrentdb://host:port');
const busUrl = z.string().regex(BUS_URL, 'must be in-process or kafka://host:port[,host:port…]');

/**
 * The settings every kopfed process reads, as a zod object a service extends with its own:
 * `loadEnv(commonEnvironment({ service: 'savings', port: 8082 }).extend({ … }), env)`.
 */
export function commonEnvironment(options: CommonSettingsOptions) {
  const distributed = options.distributed ?? false;
  return z.object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(options.port),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    /** Local files: SQLite stores, read models, keys. Relative paths start where npm was run. */
    KOPFED_DATA_DIR: z.string().min(1).default('./data'),
    KOPFED_EVENTSTORE_URL: distributed ? eventStoreUrl : eventStoreUrl.optional(),
    KOPFED_BUS_URL: distributed ? busUrl : busUrl.default('in-process'),
    /** Turns tracing on (OTLP over HTTP, e.g. http://otel-collector:4318); off when unset. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z
      .enum(
        ['http/protobuf', 'http/json'],
        'must be http/protobuf or http/json (kopfed exports over HTTP)',
      )
      .optional(),
    OTEL_SERVICE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 letters, digits, . _ or -')
      .default(`kopfed-${options.service}`),
    OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).optional(),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  });
}

export type CommonEnvironment = z.output<ReturnType<typeof commonEnvironment>>;
