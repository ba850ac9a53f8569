import type { RequestValidators } from '@kopfed/service-kit/src/testing';
import type { Operation } from './operations';
import type { RequestSpec } from './requests';

/**
 * A request built to be wrong in one way. `certain` kinds are malformed by construction
 * (broken JSON, a wrong media type); the others are malformed only if the operation's own
 * schema says so, which `isMalformed` checks before the suite sends them.
 */
export interface Candidate {
  kind: string;
  spec: RequestSpec;
  certain: boolean;
  check?: { location: 'path' | 'query'; name: string; value: string } | 'body';
}

/** The operation being attacked, its validators, and a valid request to start from. */
export interface Context {
  operation: Operation;
  validators: RequestValidators;
  base: RequestSpec;
  /** Encoded path parameter values of the base request. */
  pathValues: Record<string, string>;
}
