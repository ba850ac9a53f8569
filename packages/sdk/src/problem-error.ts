import type { components } from './generated/member';

/** RFC 9457 problem details, as every kopfed service answers an error. */
export type Problem = components['schemas']['Problem'];
export type ProblemFieldError = NonNullable<Problem['errors']>[number];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A request the server refused or failed, with the server's own explanation. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  /** The last segment of `type`: switch on this (`validation-failed`, `rate-limited`, …). */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly instance: string;
  readonly requestId: string;
  /** The fields at fault: body fields by JSON pointer, others by `in` and `parameter`. */
  readonly errors: readonly ProblemFieldError[];
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.type = problem.type;
    this.instance = problem.instance;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
    this.details = problem.details;
  }

  /** The problem in a response; a body that is not problem details (a proxy's page) is described. */
  static fromBody(status: number, statusText: string, contentType: string, body: string): ProblemError {
    const parsed = contentType.includes('json') ? parseJson(body) : undefined;
    if (isProblem(parsed)) return new ProblemError(parsed);
    return new ProblemError({
      type: 'about:blank',
      code: `http-${status}`,
      title: statusText || `HTTP ${status}`,
      status,
      detail: body.slice(0, 500) || `The server answered ${status} without problem details.`,
      instance: '',
      requestId: '',
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.status === 'number' &&
    typeof candidate.code === 'string' &&
    typeof candidate.title === 'string' &&
    typeof candidate.detail === 'string'
  );
}
