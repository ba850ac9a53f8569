import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, WHOLE_ENVIRONMENT } from '@kopfed/config';
import { API_KEY_PATTERN, COOP_ID_PATTERN, DEFAULT_RATE_LIMIT } from '@kopfed/service-kit';
import { SERVICES, type ServiceName } from './services';

const MIB = 1024 * 1024;

/** Every setting comes from the environment, validated here with its default. */
const environment = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    KOPFED_DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    KOPFED_ADMIN_KEY: z
      .string()
      .regex(API_KEY_PATTERN, 'must look like kpf_<16 hex digits>_<32–128 of A-Z a-z 0-9 _ ->')
      .optional(),
    KOPFED_ADMIN_COOP_ID: z
      .string()
      .regex(COOP_ID_PATTERN, 'must be a coop id (1–64 letters, digits, _ or -)')
      .default('federation'),
    KOPFED_RATE_LIMIT_PER_SECOND: z.coerce
      .number()
      .positive()
      .default(DEFAULT_RATE_LIMIT.ratePerSecond),
    KOPFED_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMIT.burst),
    // BRIEF §4 / issue 4: Idempotency-Keys are kept at least 30 days.
    KOPFED_IDEMPOTENCY_RETENTION_DAYS: z.coerce.number().int().min(30).max(3_650).default(30),
    KOPFED_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(64 * MIB)
      .default(MIB),
    KOPFED_SERVICES: z
      .string()
      .transform((list) => list.split(',').map((name) => name.trim()))
      .pipe(
        z.array(z.enum(SERVICES, { error: `each must be one of ${SERVICES.join(', ')}` })).min(1),
      )
      .optional(),
    KOPFED_OIDC_ISSUER: z.url().optional(),
    KOPFED_OIDC_AUDIENCE: z.string().min(1).optional(),
    KOPFED_OIDC_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((env, ctx) => {
    const oidc = ['KOPFED_OIDC_ISSUER', 'KOPFED_OIDC_AUDIENCE', 'KOPFED_OIDC_JWKS_URL'] as const;
    const set = oidc.filter((name) => env[name] !== undefined);
    if (set.length === 0 || set.length === oidc.length) return;
    for (const name of oidc.filter((n) => env[n] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `is needed with ${set.join(', ')}` });
    }
  });

type Environment = z.infer<typeof environment>;

export interface NodeConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: Environment['LOG_LEVEL'];
  /** The services to run (`KOPFED_SERVICES=member,savings`); all of them when absent. */
  services?: readonly ServiceName[];
  /** The bootstrap admin key for an empty node; generated and printed once when absent. */
  adminKey?: string;
  /** The coop the bootstrap admin key is bound to (the one running the node). */
  adminCoopId: string;
  rateLimit: { ratePerSecond: number; burst: number };
  idempotencyRetentionDays: number;
  bodyLimitBytes: number;
  /** Accept JWTs from the federation's identity provider as well as API keys. */
  oidc?: { issuer: string; audience: string; jwksUrl: string };
}

/** The one configuration error of every module the node runs: main exits 2 with its message. */
export { ConfigError };

/**
 * Reads the node's configuration; a bad value fails with the variable's name. A blank variable
 * (empty, or spaces only) means "not set", as a blank line in an env file or an empty `KEY=` in
 * a compose file would: its default applies (`PORT=` is 8080, never port 0). That is the rule
 * of every service run alone too (loadEnv in packages/config).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = environment.safeParse(set);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: issue.path.join('.') || WHOLE_ENVIRONMENT,
        message: issue.message,
      })),
    );
  }
  const e = parsed.data;
  // `npm start` runs in the workspace folder; relative paths mean the folder npm was started in.
  const base = env.INIT_CWD ?? process.cwd();
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(base, e.KOPFED_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    ...(e.KOPFED_SERVICES ? { services: [...new Set(e.KOPFED_SERVICES)] } : {}),
    ...(e.KOPFED_ADMIN_KEY ? { adminKey: e.KOPFED_ADMIN_KEY } : {}),
    adminCoopId: e.KOPFED_ADMIN_COOP_ID,
    rateLimit: { ratePerSecond: e.KOPFED_RATE_LIMIT_PER_SECOND, burst: e.KOPFED_RATE_LIMIT_BURST },
    idempotencyRetentionDays: e.KOPFED_IDEMPOTENCY_RETENTION_DAYS,
    bodyLimitBytes: e.KOPFED_BODY_LIMIT_BYTES,
    ...(e.KOPFED_OIDC_ISSUER && e.KOPFED_OIDC_AUDIENCE && e.KOPFED_OIDC_JWKS_URL
      ? {
          oidc: {
            issuer: e.KOPFED_OIDC_ISSUER,
            audience: e.KOPFED_OIDC_AUDIENCE,
            jwksUrl: e.KOPFED_OIDC_JWKS_URL,
          },
        }
      : {}),
  };
}
