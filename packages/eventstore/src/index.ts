export * from './types';
export * from './errors';
export { jakartaBusinessDate, isCalendarDate, isInstant } from './business-date';
export { computeSeal, canonicalEventText, GENESIS_SEAL, type SealableEvent } from './seal';
export { LIMITS, streamCategory, toJsonText } from './validation';
export {
  SqliteEventStore,
  sharesStoreFile,
  type SqliteEventStoreOptions,
} from './sqlite/sqlite-event-store';
export { EVENTS_TABLE_DDL, BOUND_LIMIT, applyPragmas } from './sqlite/schema';
export {
  SqliteWriterThread,
  type SqlWrite,
  type SqliteWriterThreadOptions,
} from './sqlite/sqlite-writer-thread';
export { OrdersInFlight, type OrderedWorker } from './sqlite/orders-in-flight';
export { isLockTimeout } from './sqlite/lock-timeout';
export { openEventStore, type OpenEventStoreOptions } from './open-event-store';
export { pollingSubscription } from './subscription';
export * from './command-handler';
export { release, reserve, reservationHolder, type ReservationOutcome } from './reservation';
export { deterministicUuid } from './deterministic-id';
