import { parseArgs } from 'node:util';

/** How big a federation to build, and from which seed. */
export interface DemoOptions {
  seed: number;
  /** Primary coops under the one secondary coop. */
  coops: number;
  /** Persons in all, spread over the primary coops. */
  persons: number;
  /** Months of savings history before today. */
  months: number;
  /** The business date the demo takes as today (Asia/Jakarta); the node's today when absent. */
  today: string;
}

export const DEFAULT_DEMO: Omit<DemoOptions, 'today'> = {
  seed: 20_260_101,
  coops: 20,
  persons: 5_000,
  months: 12,
};

const LIMITS = {
  seed: [0, 2 ** 31 - 1],
  coops: [2, 200],
  persons: [10, 100_000],
  months: [1, 12],
} as const;

export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

/** Today in Asia/Jakarta (UTC+7, no daylight saving), where the coops keep their books. */
export function jakartaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export function parseDemoArgs(argv: readonly string[], now: Date = new Date()): DemoOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string' },
      coops: { type: 'string' },
      persons: { type: 'string' },
      months: { type: 'string' },
      today: { type: 'string' },
      demo: { type: 'boolean' },
    },
    allowPositionals: false,
    strict: true,
  });
  const whole = (name: keyof typeof LIMITS): number => {
    const text = values[name];
    if (text === undefined) return DEFAULT_DEMO[name];
    const [min, max] = LIMITS[name];
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      throw new DemoUsageError(
        `--${name} must be a whole number from ${min} to ${max}, got ${text}`,
      );
    return value;
  };
  const today = values.today ?? jakartaToday(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(Date.parse(today)))
    throw new DemoUsageError(`--today must be a date like 2026-11-28, got ${today}`);
  const options = {
    seed: whole('seed'),
    coops: whole('coops'),
    persons: whole('persons'),
    months: whole('months'),
    today,
  };
  if (options.persons < options.coops * 5)
    throw new DemoUsageError(
      '--persons must be at least 5 per coop (every coop lends in every class)',
    );
  return options;
}

/** Where the node is: KOPFED_URL, else 127.0.0.1 on PORT, else on 8080. */
export function nodeUrl(env: NodeJS.ProcessEnv): string {
  if (env.KOPFED_URL) return env.KOPFED_URL.replace(/\/+$/, '');
  return `http://127.0.0.1:${env.PORT || '8080'}`;
}
