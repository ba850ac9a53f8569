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
 * The loan service run alone: the common settings (packages/config) and its own. The loan book
 * is a projection inside its SQLite store, so the store must be a `sqlite:` directory (or
 * `sqlite::memory:`); unset, it is `sqlite:<KOPFED_DATA_DIR>`.
 */
const environment = commonEnvironment({ service: 'loan', port: 8083 }).extend({
  KOPFED_EVENTSTORE_URL: z
    .string()
    .regex(
      /^sqlite:\S+$/,
      'must be sqlite:<directory> or sqlite::memory: — the loan book is a projection in the SQLite store',
    )
    .optional(),
  KOPFED_ADMIN_KEY: z
    .string()
    .regex(API_KEY_PATTERN, 'must look like kpf_<16 hex digits>_<32–128 of A-Z a-z 0-9 _ ->')
    .optional(),
  KOPFED_ADMIN_COOP_ID: z
    .string()
    .regex(COOP_ID_PATTERN, 'must be a coop id (1–64 letters, digits, _ or -)')
    .default('federation'),
  KOPFED_NIGHTLY_CLOSE_OF_BUSINESS: z.enum(['true', 'false']).default('true'),
});

export interface LoanServiceConfig extends CommonConfig {
  adminKey?: string;
  adminCoopId: string;
  nightlyCloseOfBusiness: boolean;
}

/** Reads the environment; a bad value fails naming every bad variable. Blank means unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoanServiceConfig {
  const e = loadEnv(environment, env);
  return {
    ...toCommonConfig(e, env),
    ...(e.KOPFED_ADMIN_KEY ? { adminKey: e.KOPFED_ADMIN_KEY } : {}),
    adminCoopId: e.KOPFED_ADMIN_COOP_ID,
    nightlyCloseOfBusiness: e.KOPFED_NIGHTLY_CLOSE_OF_BUSINESS === 'true',
  };
}
