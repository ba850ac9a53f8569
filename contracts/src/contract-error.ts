import type { z } from 'zod';

/**
 *   unknown_event     no event of that name (or CloudEvents type) in the catalog
 *   unknown_version   the event exists, that schema version does not
 *   invalid_data      the data does not match the version's schema, or an upcaster broke it
 *   invalid_envelope  the envelope's attributes are missing, malformed or contradict each other
 */
export type ContractErrorCode =
  'unknown_event' | 'unknown_version' | 'invalid_data' | 'invalid_envelope';

/** A message that does not meet its contract. Consumers park it instead of retrying forever. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(issues.length === 0 ? message : `${message}: ${describeIssues(issues)}`);
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')} ${issue.message}`)
    .join('; ');
}
