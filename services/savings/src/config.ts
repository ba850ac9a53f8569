import { z } from 'zod';

/** Configuration of the savings service run on its own (the node has its own). */
const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8082),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KOPFED_EVENTSTORE_URL: z
    .string()
    .regex(
      /^(sqlite:.+|kurrentdb(\+discover)?:\/\/.+|esdb:\/\/.+)$/,
      'must be sqlite:<dir>, sqlite::memory: or kurrentdb://host:port',
    )
    .default('sqlite:./data'),
  KOPFED_BUS_URL: z
    .string()
    .regex(/^(in-process|kafka:\/\/.+)$/, 'must be in-process or kafka://host:port[,host:port]')
    .default('in-process'),
  /** Where read models live when the event store is not SQLite. */
  KOPFED_READ_MODELS_FILE: z.string().min(1).default('./data/savings-read-models.db'),
  KOPFED_ADMIN_KEY: z
    .string()
    .regex(/^kpf_[0-9a-f]{16}_[A-Za-z0-9_-]{32,128}$/, 'must look like kpf_<16 hex>_<secret>')
    .optional(),
  KOPFED_ADMIN_COOP_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('federation'),
});

export interface SavingsConfig {
  port: number;
  host: string;
  logLevel: z.infer<typeof environment>['LOG_LEVEL'];
  eventStoreUrl: string;
  busUrl: string;
  readModelsFile: string;
  adminKey?: string;
  adminCoopId: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the environment; a bad value fails naming the variable. Blank means unset. */
export function loadSavingsConfig(env: NodeJS.ProcessEnv = process.env): SavingsConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    eventStoreUrl: e.KOPFED_EVENTSTORE_URL,
    busUrl: e.KOPFED_BUS_URL,
    readModelsFile: e.KOPFED_READ_MODELS_FILE,
    ...(e.KOPFED_ADMIN_KEY ? { adminKey: e.KOPFED_ADMIN_KEY } : {}),
    adminCoopId: e.KOPFED_ADMIN_COOP_ID,
  };
}
