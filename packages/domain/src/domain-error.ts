/**
 * How a refusal maps to HTTP:
 *   rejected   422 — a business rule says no (insufficient funds, rate above the cap)
 *   conflict   409 — the state does not allow it now (already closed, already exists)
 *   not_found  404 — the thing does not exist
 */
export type DomainErrorKind = 'rejected' | 'conflict' | 'not_found';

/** A decider's refusal: a stable machine code, a sentence for people, the field at fault. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rejected',
    /** JSON pointer of the request field at fault, e.g. `/amount/amount`. */
    readonly pointer?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function rejected(
  code: string,
  message: string,
  pointer?: string,
  details?: Record<string, unknown>,
): DomainError {
  return new DomainError(code, message, 'rejected', pointer, details);
}

export function conflict(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): DomainError {
  return new DomainError(code, message, 'conflict', undefined, details);
}

export function notFound(code: string, message: string): DomainError {
  return new DomainError(code, message, 'not_found');
}
