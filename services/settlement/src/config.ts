import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  commonEnvironment,
  ConfigError,
  loadEnv,
  toCommonConfig,
  type CommonConfig,
} from '@kopfed/config';
import { API_KEY_PATTERN, COOP_ID_PATTERN } from '@kopfed/service-kit';

export { ConfigError };

const apiKey = z
  .string()
  .regex(API_KEY_PATTERN, 'must look like kpf_<16 hex digits>_<32–128 of A-Z a-z 0-9 _ ->');

/** What the settlement module reads from its environment, in the node or alone. */
const moduleSettings = {
  KOPFED_SAVINGS_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('the savings service, for member-to-member payments'),
  KOPFED_SAVINGS_API_KEY: apiKey.optional(),
  KOPFED_TRANSFER_EXPIRY_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(1_000),
  KOPFED_CLEARING_LEASE_TTL_MS: z.coerce.number().int().min(200).max(600_000).default(15_000),
};

/** The savings address and its key come together or not at all. */
function savingsTogether(
  env: { KOPFED_SAVINGS_URL?: string | undefined; KOPFED_SAVINGS_API_KEY?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((env.KOPFED_SAVINGS_URL === undefined) === (env.KOPFED_SAVINGS_API_KEY === undefined)) return;
  const missing =
    env.KOPFED_SAVINGS_URL === undefined ? 'KOPFED_SAVINGS_URL' : 'KOPFED_SAVINGS_API_KEY';
  ctx.addIssue({
    code: 'custom',
    path: [missing],
    message: 'is needed with the other KOPFED_SAVINGS_* setting',
  });
}

const moduleEnvironment = z.object(moduleSettings).superRefine(savingsTogether);

/**
 * The settlement service run alone (the distributed deployment): the common settings, with the
 * event store and the bus required — a default would give it a private store and a bus the
 * savings and loan services are not on — and its own.
 */
const mainEnvironment = commonEnvironment({
  service: 'settlement',
  port: 8084,
  distributed: true,
})
  .extend({
    ...moduleSettings,
    /** Where the read models live (SQLite) when the event store is not SQLite. */
    KOPFED_READ_MODELS_FILE: z.string().min(1).optional(),
    KOPFED_ADMIN_KEY: apiKey.optional(),
    KOPFED_ADMIN_COOP_ID: z
      .string()
      .regex(COOP_ID_PATTERN, 'must be a coop id (1–64 letters, digits, _ or -)')
      .default('federation'),
    KOPFED_NIGHTLY_CLOSE_OF_BUSINESS: z.enum(['true', 'false']).default('true'),
  })
  .superRefine(savingsTogether);

export interface SettlementSettings {
  savings?: { baseUrl: string; apiKey: string };
  expirySweepMs: number;
  leaseTtlMs: number;
}

export interface SettlementConfig extends CommonConfig, SettlementSettings {
  readModelsFile: string;
  adminKey?: string;
  adminCoopId: string;
  nightlyCloseOfBusiness: boolean;
}

function settingsOf(e: z.output<typeof moduleEnvironment>): SettlementSettings {
  return {
    ...(e.KOPFED_SAVINGS_URL && e.KOPFED_SAVINGS_API_KEY
      ? { savings: { baseUrl: e.KOPFED_SAVINGS_URL, apiKey: e.KOPFED_SAVINGS_API_KEY } }
      : {}),
    expirySweepMs: e.KOPFED_TRANSFER_EXPIRY_SWEEP_MS,
    leaseTtlMs: e.KOPFED_CLEARING_LEASE_TTL_MS,
  };
}

/** The module's own settings (the node passes its environment). Blank means unset. */
export function loadSettlementSettings(env: NodeJS.ProcessEnv): SettlementSettings {
  return settingsOf(loadEnv(moduleEnvironment, env));
}

/** Reads the environment; a bad or missing variable fails naming every one. Blank means unset. */
export function loadSettlementConfig(env: NodeJS.ProcessEnv = process.env): SettlementConfig {
  const e = loadEnv(mainEnvironment, env);
  const common = toCommonConfig(e, env);
  return {
    ...common,
    ...settingsOf(e),
    readModelsFile: e.KOPFED_READ_MODELS_FILE
      ? resolve(env.INIT_CWD ?? process.cwd(), e.KOPFED_READ_MODELS_FILE)
      : join(common.dataDir, 'settlement-read-models.db'),
    ...(e.KOPFED_ADMIN_KEY ? { adminKey: e.KOPFED_ADMIN_KEY } : {}),
    adminCoopId: e.KOPFED_ADMIN_COOP_ID,
    nightlyCloseOfBusiness: e.KOPFED_NIGHTLY_CLOSE_OF_BUSINESS === 'true',
  };
}
