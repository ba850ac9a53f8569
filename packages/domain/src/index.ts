export type { Decider, DomainEvent } from './decider';
export { DomainError, rejected, conflict, notFound, type DomainErrorKind } from './domain-error';
export { invariant, unreachable, InvariantViolation } from './assert';
