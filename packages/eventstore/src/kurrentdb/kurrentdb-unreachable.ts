import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../errors';

/**
 * gRPC's DATA_LOSS, which the client reports as an UnavailableError too (with INTERNAL and
 * UNAVAILABLE): unrecoverable data loss or corruption on the server, not a pause to wait out.
 */
const GRPC_DATA_LOSS = 15;

/**
 * The client's errors for a server it could not reach or that did not answer in time: the
 * node is down or restarting, the cluster is electing a leader (the client reconnects to the
 * new one on the next call), a deadline passed, the call was cut off. The same operation may
 * pass shortly. Refusals (a wrong expected version, access denied, a size limit) and data the
 * server says it lost stay as they are.
 */
export function isUnreachable(error: unknown): boolean {
  return (
    (error instanceof UnavailableError && Number(error.code) !== GRPC_DATA_LOSS) ||
    error instanceof DeadlineExceededError ||
    error instanceof NotLeaderError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError
  );
}

/** The error a caller sees: an unreachable server says the store did not answer. */
export function unavailableIfUnreachable(error: unknown): unknown {
  return isUnreachable(error) ? new EventStoreUnavailableError(error) : error;
}

/** Runs one operation against the server, translating an unreachable server. */
export async function answered<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    throw unavailableIfUnreachable(error);
  }
}
