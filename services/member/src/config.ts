import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { commonEnvironment, ConfigError, loadEnv, toCommonConfig } from '@kopfed/config';
import type { AloneConfig } from '@kopfed/host';
import { API_KEY_PATTERN, COOP_ID_PATTERN } from '@kopfed/service-kit';

/**
 * The node's master key, from which every person key's wrapping key and the NIK hash secret
 * are derived: `KOPFED_MASTER_KEY` (32 bytes, base64), or a file created on first start
 * (mode 0600) beside the data. Losing it makes every person's data unreadable.
 */
export function loadMasterKey(env: NodeJS.ProcessEnv, file: string): Buffer {
  const fromEnv = env.KOPFED_MASTER_KEY;
  if (fromEnv !== undefined) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32)
      throw new ConfigError([
        { variable: 'KOPFED_MASTER_KEY', message: 'must be 32 bytes, base64-encoded' },
      ]);
    return key;
  }
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file}: not a 32-byte base64 master key`);
    return key;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/**
 * The member service run alone: the common settings (packages/config) and its own. Its read
 * models are projections inside its SQLite store, so the store must be a `sqlite:` directory.
 */
const environment = commonEnvironment({ service: 'member', port: 8081 }).extend({
  KOPFED_EVENTSTORE_URL: z
    .string()
    .regex(/^sqlite:\S+$/, 'must be sqlite:<directory> (member read models live in its store)')
    .optional(),
  KOPFED_ADMIN_KEY: z
    .string()
    .regex(API_KEY_PATTERN, 'must look like kpf_<16 hex digits>_<32–128 of A-Z a-z 0-9 _ ->')
    .optional(),
  KOPFED_ADMIN_COOP_ID: z
    .string()
    .regex(COOP_ID_PATTERN, 'must be a coop id (1–64 letters, digits, _ or -)')
    .default('federation'),
  /** 32 bytes, base64; when unset, a key file is created beside the data (see loadMasterKey). */
  KOPFED_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
});

/** Reads the environment; a bad value fails naming every bad variable. Blank means unset. */
export function loadMemberConfig(env: NodeJS.ProcessEnv = process.env): AloneConfig {
  const e = loadEnv(environment, env);
  return {
    ...toCommonConfig(e, env),
    ...(e.KOPFED_ADMIN_KEY ? { adminKey: e.KOPFED_ADMIN_KEY } : {}),
    adminCoopId: e.KOPFED_ADMIN_COOP_ID,
    nightlyCloseOfBusiness: true,
  };
}
