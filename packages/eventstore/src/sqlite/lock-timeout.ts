import { EventStoreUnavailableError } from '../errors';

/**
 * Another connection held the file's lock past the busy timeout (SQLITE_BUSY and its extended
 * codes): the store is busy, not broken, and the same operation may pass shortly. SQLITE_LOCKED
 * (a conflict within one connection or a shared cache, which the store does not use) is treated
 * the same, as the one other answer that means "not now". A constraint, a full disk or a corrupt
 * file is no such thing and stays as it is.
 */
export function isLockTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return false;
  return (
    code === 'SQLITE_BUSY' ||
    code.startsWith('SQLITE_BUSY_') ||
    code === 'SQLITE_LOCKED' ||
    code.startsWith('SQLITE_LOCKED_')
  );
}

/** The error a caller sees: a lock timeout says the store did not answer, anything else is kept. */
export function unavailableIfLocked(error: unknown): unknown {
  return isLockTimeout(error) ? new EventStoreUnavailableError(error) : error;
}

/** Runs one synchronous statement (a read, a lease's transaction), translating a lock timeout. */
export function answered<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw unavailableIfLocked(error);
  }
}
