import { z } from 'zod';
import { ConfigError } from './config-error';
import { toCommonConfig } from './common-config';
import { loadEnv } from './load-env';
import { commonEnvironment } from './settings';

const embedded = commonEnvironment({ service: 'savings', port: 8082 });
const distributed = commonEnvironment({ service: 'savings', port: 8082, distributed: true });
const servers = {
  KOPFED_EVENTSTORE_URL: 'kurrentdb://kurrentdb-1:2113?tls=false',
  KOPFED_BUS_URL: 'kafka://kafka-1:9092,kafka-2:9092',
};

/** The variables the ConfigError names, or [] when the environment is valid. */
function badVariables(schema: z.ZodType, env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnv(schema, env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => issue.variable);
  }
}

describe('common settings, embedded', () => {
  it('defaults everything: a SQLite store under the data directory and the in-process bus', () => {
    const config = toCommonConfig(loadEnv(embedded, { INIT_CWD: '/srv/kopfed' }), {
      INIT_CWD: '/srv/kopfed',
    });
    expect(config).toEqual({
      port: 8082,
      host: '0.0.0.0',
      logLevel: 'info',
      dataDir: '/srv/kopfed/data',
      eventStoreUrl: 'sqlite:/srv/kopfed/data',
      busUrl: 'in-process',
      tracing: { serviceName: 'kopfed-savings' },
    });
  });

  it('resolves a relative sqlite: directory where npm was started, and keeps :memory:', () => {
    const env = { KOPFED_EVENTSTORE_URL: 'sqlite:./stores', INIT_CWD: '/srv' };
    expect(toCommonConfig(loadEnv(embedded, env), env).eventStoreUrl).toBe('sqlite:/srv/stores');
    const memory = { KOPFED_EVENTSTORE_URL: 'sqlite::memory:' };
    expect(toCommonConfig(loadEnv(embedded, memory), memory).eventStoreUrl).toBe('sqlite::memory:');
  });

  it('turns tracing on with an OTLP/HTTP endpoint', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' };
    expect(toCommonConfig(loadEnv(embedded, env), env).tracing).toEqual({
      endpoint: 'http://otel-collector:4318',
      serviceName: 'kopfed-savings',
    });
  });
});

describe('common settings, distributed', () => {
  it('accepts a KurrentDB store and a Kafka cluster', () => {
    expect(badVariables(distributed, servers)).toEqual([]);
  });

  it.each(Object.keys(servers))('requires %s, naming it when it is missing or blank', (name) => {
    expect(badVariables(distributed, { ...servers, [name]: undefined })).toEqual([name]);
    expect(badVariables(distributed, { ...servers, [name]: '' })).toEqual([name]);
  });
});

describe('every common variable names itself when its value is bad', () => {
  const bad: Record<string, string> = {
    PORT: '70000',
    LOG_LEVEL: 'verbose',
    KOPFED_EVENTSTORE_URL: 'postgres://db:5432',
    KOPFED_BUS_URL: 'kafka://[::1]:9092',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_SERVICE_NAME: 'kopfed savings',
    OTEL_TRACES_SAMPLER: 'sometimes',
    OTEL_TRACES_SAMPLER_ARG: '1.5',
  };

  it.each(Object.entries(bad))('%s=%s', (name, value) => {
    expect(badVariables(distributed, { ...servers, [name]: value })).toEqual([name]);
  });

  it('reports all of them together', () => {
    expect(badVariables(distributed, { ...servers, ...bad }).sort()).toEqual(
      Object.keys(bad).sort(),
    );
  });

  it('lets a service add its own settings beside the common ones', () => {
    const savings = embedded.extend({
      KOPFED_CLEARING_LEASE_TTL_MS: z.coerce.number().int().min(200).default(15_000),
    });
    expect(loadEnv(savings, {}).KOPFED_CLEARING_LEASE_TTL_MS).toBe(15_000);
    expect(badVariables(savings, { KOPFED_CLEARING_LEASE_TTL_MS: '5' })).toEqual([
      'KOPFED_CLEARING_LEASE_TTL_MS',
    ]);
  });
});
