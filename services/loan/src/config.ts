import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { API_KEY_PATTERN, COOP_ID_PATTERN } from '@kopfed/service-kit';

/** An empty variable means "not set", as a blank line in an env file would. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** The loan service run alone: every setting from the environment, validated with its default. */
const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8083),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KOPFED_EVENTSTORE_URL: z
    .string()
    .regex(
      /^sqlite:.+$/,
      'must be sqlite:<directory> or sqlite::memory: — the loan book is a projection in the SQLite store',
    )
    .default('sqlite:./data'),
  KOPFED_BUS_URL: z
    .string()
    .regex(/^(in-process|kafka:\/\/[^\s]+)$/, 'must be in-process or kafka://host:port[,host:port]')
    .default('in-process'),
  KOPFED_ADMIN_KEY: optional(
    z
      .string()
      .regex(API_KEY_PATTERN, 'must look like kpf_<16 hex digits>_<32–128 of A-Z a-z 0-9 _ ->'),
  ),
  KOPFED_ADMIN_COOP_ID: z
    .string()
    .regex(COOP_ID_PATTERN, 'must be a coop id (1–64 letters, digits, _ or -)')
    .default('federation'),
  KOPFED_NIGHTLY_CLOSE_OF_BUSINESS: z.enum(['true', 'false']).default('true'),
});

export interface LoanServiceConfig {
  port: number;
  host: string;
  logLevel: z.output<typeof environment>['LOG_LEVEL'];
  eventStoreUrl: string;
  /** The store's directory (a temporary one for sqlite::memory:), for local files. */
  dataDir: string;
  busUrl: string;
  adminKey?: string;
  adminCoopId: string;
  nightlyCloseOfBusiness: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the configuration; a bad value fails naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoanServiceConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const memory = e.KOPFED_EVENTSTORE_URL === 'sqlite::memory:';
  // `npm start` runs in the workspace folder; relative paths mean the folder npm was started in.
  const dataDir = memory
    ? tmpdir()
    : resolve(env.INIT_CWD ?? process.cwd(), e.KOPFED_EVENTSTORE_URL.slice('sqlite:'.length));
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    eventStoreUrl: memory ? e.KOPFED_EVENTSTORE_URL : `sqlite:${dataDir}`,
    dataDir,
    busUrl: e.KOPFED_BUS_URL,
    ...(e.KOPFED_ADMIN_KEY ? { adminKey: e.KOPFED_ADMIN_KEY } : {}),
    adminCoopId: e.KOPFED_ADMIN_COOP_ID,
    nightlyCloseOfBusiness: e.KOPFED_NIGHTLY_CLOSE_OF_BUSINESS === 'true',
  };
}
