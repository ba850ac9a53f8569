import { HttpProblem } from '@kopfed/service-kit';

/** Seconds a client is told to wait when the read model it needs is not there yet. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Waits for the accounts read model; a read model that failed or is too far behind makes the
 * request wait and try again (503 with Retry-After), not fail as the server's bug. Every request
 * that catches the read model up goes through here: reads, closes, close of business.
 */
export async function readModelReady(caughtUp: () => Promise<void>): Promise<void> {
  try {
    await caughtUp();
  } catch (error) {
    throw new HttpProblem(
      'unavailable',
      `The accounts read model is not up to date (${error instanceof Error ? error.message : String(error)}); try again shortly.`,
      { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
    );
  }
}
