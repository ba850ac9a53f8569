import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of a thread doing background work: the requests' threads run at 0. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's own scheduling priority, so that background work on it (the
 * sealer's scan) takes a core only when the node's request work leaves one idle. On Linux a
 * thread has a nice value of its own, set through its thread id; elsewhere, or where that is
 * refused, the thread keeps the process's priority. Returns whether it was lowered.
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
}
