import { z } from 'zod';

const API_KEY = /^kpf_[0-9a-f]{16}_[A-Za-z0-9_-]{32,128}$/;

/** What the settlement module reads from its environment, in the node or alone. */
const moduleEnvironment = z
  .object({
    KOPFED_SAVINGS_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('the savings service, for member-to-member payments'),
    KOPFED_SAVINGS_API_KEY: z
      .string()
      .regex(API_KEY, 'must look like kpf_<16 hex>_<secret>')
      .optional(),
    KOPFED_TRANSFER_EXPIRY_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(1_000),
    KOPFED_CLEARING_LEASE_TTL_MS: z.coerce.number().int().min(200).max(600_000).default(15_000),
  })
  .superRefine((env, ctx) => {
    if ((env.KOPFED_SAVINGS_URL === undefined) === (env.KOPFED_SAVINGS_API_KEY === undefined))
      return;
    const missing =
      env.KOPFED_SAVINGS_URL === undefined ? 'KOPFED_SAVINGS_URL' : 'KOPFED_SAVINGS_API_KEY';
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: 'is needed with the other KOPFED_SAVINGS_* setting',
    });
  });

/** Running the settlement service alone adds where its store, bus and port are. */
const mainEnvironment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8084),
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
  KOPFED_READ_MODELS_FILE: z.string().min(1).default('./data/settlement-read-models.db'),
  KOPFED_ADMIN_KEY: z.string().regex(API_KEY, 'must look like kpf_<16 hex>_<secret>').optional(),
  KOPFED_ADMIN_COOP_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('federation'),
});

export interface SettlementSettings {
  savings?: { baseUrl: string; apiKey: string };
  expirySweepMs: number;
  leaseTtlMs: number;
}

export interface SettlementConfig extends SettlementSettings {
  port: number;
  host: string;
  logLevel: z.infer<typeof mainEnvironment>['LOG_LEVEL'];
  eventStoreUrl: string;
  busUrl: string;
  readModelsFile: string;
  adminKey?: string;
  adminCoopId: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A blank variable is unset, as a blank line in an env file would be. */
function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function loadSettlementSettings(env: NodeJS.ProcessEnv): SettlementSettings {
  const e = parse(moduleEnvironment, env);
  return {
    ...(e.KOPFED_SAVINGS_URL && e.KOPFED_SAVINGS_API_KEY
      ? { savings: { baseUrl: e.KOPFED_SAVINGS_URL, apiKey: e.KOPFED_SAVINGS_API_KEY } }
      : {}),
    expirySweepMs: e.KOPFED_TRANSFER_EXPIRY_SWEEP_MS,
    leaseTtlMs: e.KOPFED_CLEARING_LEASE_TTL_MS,
  };
}

/** Reads the environment; a bad value fails naming the variable. */
export function loadSettlementConfig(env: NodeJS.ProcessEnv = process.env): SettlementConfig {
  const e = parse(mainEnvironment, env);
  return {
    ...loadSettlementSettings(env),
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
