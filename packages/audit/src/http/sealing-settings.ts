import { z } from 'zod';
import { loadEnv } from '@kopfed/config';

export interface SealingSettings {
  /** 0: the node signs no checkpoints on its own (`kopfed audit seal` still does). */
  intervalMs: number;
  everyEvents: number;
}

const Settings = z.object({
  KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  KOPFED_AUDIT_SEAL_EVERY_EVENTS: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

/**
 * How often the node checkpoints its stores: at least every KOPFED_AUDIT_SEAL_INTERVAL_SECONDS
 * (60; 0 turns the background sealer off) while events arrive, and whenever
 * KOPFED_AUDIT_SEAL_EVERY_EVENTS (10,000) wait. A bad value stops the node with a ConfigError
 * naming it; a blank one counts as unset.
 */
export function sealingSettings(env: NodeJS.ProcessEnv): SealingSettings {
  const settings = loadEnv(Settings, env);
  return {
    intervalMs: settings.KOPFED_AUDIT_SEAL_INTERVAL_SECONDS * 1_000,
    everyEvents: settings.KOPFED_AUDIT_SEAL_EVERY_EVENTS,
  };
}
