import { resolve } from 'node:path';
import { z } from 'zod';

/** Every setting comes from the environment, validated here with its default. */
const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  KOPFED_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface NodeConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: z.infer<typeof environment>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the node's configuration; a bad value fails with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
  }
  const { PORT, HOST, KOPFED_DATA_DIR, LOG_LEVEL } = parsed.data;
  // `npm start` runs in the workspace folder; relative paths mean the folder npm was started in.
  const base = env.INIT_CWD ?? process.cwd();
  return { port: PORT, host: HOST, dataDir: resolve(base, KOPFED_DATA_DIR), logLevel: LOG_LEVEL };
}
