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

/**
 * The savings service run alone (the distributed deployment): the common settings, with the
 * event store and the bus required — a default would give it a private store and a bus the
 * member service is not on — and its own few.
 */
const environment = commonEnvironment({ service: 'savings', port: 8082, distributed: true }).extend(
  {
    /** Where the read models live (SQLite) when the event store is not SQLite. */
    KOPFED_READ_MODELS_FILE: z.string().min(1).optional(),
    KOPFED_ADMIN_KEY: z
      .string()
      .regex(API_KEY_PATTERN, 'must look like kpf_<16 hex digits>_<32–128 of A-Z a-z 0-9 _ ->')
      .optional(),
    KOPFED_ADMIN_COOP_ID: z
      .string()
      .regex(COOP_ID_PATTERN, 'must be a coop id (1–64 letters, digits, _ or -)')
      .default('federation'),
    KOPFED_NIGHTLY_CLOSE_OF_BUSINESS: z.enum(['true', 'false']).default('true'),
  },
);

export interface SavingsConfig extends CommonConfig {
  readModelsFile: string;
  adminKey?: string;
  adminCoopId: string;
  nightlyCloseOfBusiness: boolean;
}

/** Reads the environment; a bad or missing variable fails naming every one. Blank means unset. */
export function loadSavingsConfig(env: NodeJS.ProcessEnv = process.env): SavingsConfig {
  const e = loadEnv(environment, env);
  const common = toCommonConfig(e, env);
  return {
    ...common,
    readModelsFile: e.KOPFED_READ_MODELS_FILE
      ? resolve(env.INIT_CWD ?? process.cwd(), e.KOPFED_READ_MODELS_FILE)
      : join(common.dataDir, 'savings-read-models.db'),
    ...(e.KOPFED_ADMIN_KEY ? { adminKey: e.KOPFED_ADMIN_KEY } : {}),
    adminCoopId: e.KOPFED_ADMIN_COOP_ID,
    nightlyCloseOfBusiness: e.KOPFED_NIGHTLY_CLOSE_OF_BUSINESS === 'true',
  };
}
