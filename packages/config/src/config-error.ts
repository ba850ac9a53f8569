/** One variable that is missing or has a bad value. */
export interface ConfigIssue {
  /** The environment variable's name, e.g. `KOPFED_BUS_URL`. */
  variable: string;
  message: string;
}

/** The environment does not configure a valid process; names every bad variable at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(`invalid configuration — ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
  }
}
