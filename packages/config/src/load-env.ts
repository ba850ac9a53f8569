import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error';

/** Issues not tied to one variable (a refinement over several) are reported under this name. */
export const WHOLE_ENVIRONMENT = '(environment)';

/**
 * Validates the environment against `schema` and returns the typed configuration, or throws
 * a ConfigError listing every bad variable by name. A blank variable counts as unset, as a
 * blank line in an env file or an empty `KEY=` in a compose file would mean.
 */
export function loadEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.output<Schema> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[name] = value;
  }
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => toConfigIssue(issue, present)));
}

function toConfigIssue(issue: z.core.$ZodIssue, present: Record<string, string>): ConfigIssue {
  const [first] = issue.path;
  if (typeof first !== 'string') return { variable: WHOLE_ENVIRONMENT, message: issue.message };
  const missing = issue.code === 'invalid_type' && present[first] === undefined;
  return { variable: first, message: missing ? 'is required but not set' : issue.message };
}
