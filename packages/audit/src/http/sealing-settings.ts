import { z } from 'zod';

export interface SealingSettings {
  /** 0: the node signs no checkpoints on its own (`kopfed audit seal` still does). */
  intervalMs: number;
  everyEvents: number;
}

const Settings = z.strictObject({
  KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  KOPFED_AUDIT_SEAL_EVERY_EVENTS: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

/**
 * How often the node checkpoints its stores: at least every KOPFED_AUDIT_SEAL_INTERVAL_SECONDS
 * (60; 0 turns the background sealer off) while events arrive, and whenever
 * KOPFED_AUDIT_SEAL_EVERY_EVENTS (10,000) wait. A bad value stops the node, naming it.
 */
export function sealingSettings(env: NodeJS.ProcessEnv): SealingSettings {
  const parsed = Settings.safeParse({
    KOPFED_AUDIT_SEAL_INTERVAL_SECONDS: env.KOPFED_AUDIT_SEAL_INTERVAL_SECONDS,
    KOPFED_AUDIT_SEAL_EVERY_EVENTS: env.KOPFED_AUDIT_SEAL_EVERY_EVENTS,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])}: ${issue.message}`);
  }
  return {
    intervalMs: parsed.data.KOPFED_AUDIT_SEAL_INTERVAL_SECONDS * 1_000,
    everyEvents: parsed.data.KOPFED_AUDIT_SEAL_EVERY_EVENTS,
  };
}
