import { isAbsolute, resolve } from 'node:path';
import type { CommonEnvironment, LogLevel } from './settings';

/** The common settings as a process uses them, paths resolved. */
export interface CommonConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  dataDir: string;
  /** `sqlite:<dataDir>` when KOPFED_EVENTSTORE_URL is unset (the embedded default). */
  eventStoreUrl: string;
  busUrl: string;
  tracing: { endpoint?: string; serviceName: string };
}

/**
 * Resolves relative paths against the folder npm was started in (INIT_CWD), as `npm start`
 * runs in a workspace folder; a container sets absolute paths and is unaffected.
 */
export function toCommonConfig(
  e: Omit<CommonEnvironment, 'KOPFED_EVENTSTORE_URL'> & {
    KOPFED_EVENTSTORE_URL?: string | undefined;
  },
  env: NodeJS.ProcessEnv = process.env,
): CommonConfig {
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir = resolve(base, e.KOPFED_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    dataDir,
    eventStoreUrl: resolveSqlite(e.KOPFED_EVENTSTORE_URL ?? `sqlite:${dataDir}`, base),
    busUrl: e.KOPFED_BUS_URL,
    tracing: {
      serviceName: e.OTEL_SERVICE_NAME,
      ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    },
  };
}

function resolveSqlite(url: string, base: string): string {
  if (!url.startsWith('sqlite:') || url === 'sqlite::memory:') return url;
  const directory = url.slice('sqlite:'.length);
  return isAbsolute(directory) ? url : `sqlite:${resolve(base, directory)}`;
}
