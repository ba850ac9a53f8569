/**
 * RFC 9457 problem details. Every error the kit sends has this shape, with
 * `Content-Type: application/problem+json`:
 *
 *   type       https://kopfed.dev/problems/<code>
 *   title      the same sentence for every problem of that type
 *   status     the HTTP status
 *   detail     what went wrong with this request
 *   instance   the request path (without the query)
 *   requestId  the request's id, also in the `X-Request-Id` response header
 *   code       <code> again, for clients that switch on it
 *   errors     for invalid requests, one entry per bad field:
 *                body       { in: 'body', pointer: '/amount/amount', detail }  (RFC 6901 pointer)
 *                parameters { in: 'path' | 'query' | 'header', parameter: 'limit', detail }
 *   details    extra facts from a domain refusal (e.g. the cap that was exceeded)
 */
export const PROBLEM_TYPE_BASE = 'https://kopfed.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export type FieldError =
  | { in: 'body'; pointer: string; detail: string }
  | { in: 'path' | 'query' | 'header'; parameter: string; detail: string };

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  code: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
}

/** The problems the kit itself raises; services add their own codes through DomainError. */
export const KIT_PROBLEMS = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'bad-request': { status: 400, title: 'The request is malformed' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'This credential may not do that' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed on this resource' },
  'concurrency-conflict': { status: 409, title: 'The resource changed while this request ran' },
  'idempotency-key-reused': {
    status: 409,
    title: 'This Idempotency-Key was used for a different request',
  },
  'idempotency-key-in-progress': {
    status: 409,
    title: 'A request with this Idempotency-Key is still running',
  },
  'precondition-failed': { status: 412, title: 'The resource is not at the revision in If-Match' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body must be application/json' },
  'rate-limited': { status: 429, title: 'Too many requests for this credential' },
  'internal-error': { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'The service cannot answer now; try again shortly' },
} as const satisfies Record<string, { status: number; title: string }>;

export type KitProblemCode = keyof typeof KIT_PROBLEMS;

export interface ProblemOptions {
  errors?: FieldError[];
  details?: Record<string, unknown>;
  /** Response headers that belong to the problem (Allow, Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
}

/** A problem raised on purpose; the kit turns it into the response. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  readonly title: string;
  constructor(
    readonly code: KitProblemCode,
    detail: string,
    readonly options: ProblemOptions = {},
  ) {
    super(detail);
    this.status = KIT_PROBLEMS[code].status;
    this.title = KIT_PROBLEMS[code].title;
  }
}

/** A problem ready to send: its body and the headers that go with it. */
export interface ProblemResponse {
  status: number;
  body: ProblemDetails;
  headers: Record<string, string>;
}

export interface ProblemFacts {
  code: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function problemResponse(
  facts: ProblemFacts,
  request: { instance: string; requestId: string },
): ProblemResponse {
  const body: ProblemDetails = {
    type: `${PROBLEM_TYPE_BASE}${facts.code}`,
    title: facts.title,
    status: facts.status,
    detail: facts.detail,
    instance: request.instance,
    requestId: request.requestId,
    code: facts.code,
    ...(facts.errors && facts.errors.length > 0 ? { errors: facts.errors } : {}),
    ...(facts.details ? { details: facts.details } : {}),
  };
  return { status: facts.status, body, headers: facts.headers ?? {} };
}
