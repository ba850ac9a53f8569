import { DomainError, type DomainErrorKind } from '@kopfed/domain';
import {
  EventStoreClosedError,
  EventStoreUnavailableError,
  isLockTimeout,
  WrongExpectedRevisionError,
} from '@kopfed/eventstore';
import { HttpProblem, KIT_PROBLEMS, type KitProblemCode, type ProblemFacts } from './problem';

export interface MappedError {
  facts: ProblemFacts;
  /** A bug rather than a bad request: log it as an error, with its stack. */
  unexpected: boolean;
  /** No bug, but an outage operators should see: log the error (and its cause) as a warning. */
  warning?: string;
}

/** Seconds a client waits before it sends again a request the event store did not answer. */
const STORE_RETRY_AFTER_SECONDS = 2;

const DOMAIN_STATUS: Record<DomainErrorKind, { status: number; title: string }> = {
  rejected: { status: 422, title: 'Refused by a business rule' },
  conflict: { status: 409, title: 'Not possible in the current state' },
  not_found: { status: 404, title: 'Not found' },
};

/** Maps anything thrown while serving a request to the problem the client sees. */
export function mapError(error: unknown, request: { hadIfMatch: boolean }): MappedError {
  if (error instanceof HttpProblem) {
    return {
      facts: {
        code: error.code,
        title: error.title,
        status: error.status,
        detail: error.message,
        ...error.options,
      },
      unexpected: false,
    };
  }
  if (error instanceof DomainError) {
    const { status, title } = DOMAIN_STATUS[error.kind];
    return {
      facts: {
        code: error.code,
        title,
        status,
        detail: error.message,
        ...(error.pointer
          ? { errors: [{ in: 'body', pointer: error.pointer, detail: error.message }] }
          : {}),
        ...(error.details ? { details: error.details } : {}),
      },
      unexpected: false,
    };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return request.hadIfMatch
      ? kit(
          'precondition-failed',
          'The resource has changed since the ETag you sent; read it again.',
        )
      : kit('concurrency-conflict', 'Others changed the resource at the same time; try again.');
  }
  if (error instanceof EventStoreClosedError)
    return storeNotAnswering('The service is shutting down; try again shortly.');
  if (error instanceof EventStoreUnavailableError) {
    return {
      ...storeNotAnswering('The event store did not answer; try again shortly.'),
      warning: 'the event store did not answer',
    };
  }
  // A read model or an inbox in a SQLite file of its own, locked by another connection past
  // its busy timeout: as busy as a store that did not answer, and as safe to send again.
  if (isLockTimeout(error)) {
    return {
      ...storeNotAnswering('A database stayed locked by other work; try again shortly.'),
      warning: 'a database stayed locked past its busy timeout',
    };
  }
  const parserProblem = bodyParserProblem(error);
  if (parserProblem) return parserProblem;
  return {
    facts: {
      ...facts('internal-error'),
      detail: 'An unexpected error occurred; quote the requestId when you report it.',
    },
    unexpected: true,
  };
}

/** 503: the same request goes through once the store answers again. */
function storeNotAnswering(detail: string): MappedError {
  const { facts: found } = kit('unavailable', detail);
  return {
    facts: { ...found, headers: { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) } },
    unexpected: false,
  };
}

function kit(code: KitProblemCode, detail: string): MappedError {
  return { facts: { ...facts(code), detail }, unexpected: false };
}

function facts(code: KitProblemCode): Omit<ProblemFacts, 'detail'> {
  return { code, ...KIT_PROBLEMS[code] };
}

/** Errors from Express's body parser and router carry `type` and a 4xx `status`. */
function bodyParserProblem(error: unknown): MappedError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return kit('malformed-json', 'The body could not be parsed as JSON.');
    case 'entity.too.large':
      return kit('payload-too-large', 'The body is larger than this service accepts.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return kit('unsupported-media-type', 'Send the body as UTF-8 JSON.');
    default:
      return kit(
        'bad-request',
        'The request could not be read (bad encoding in the path or body).',
      );
  }
}
