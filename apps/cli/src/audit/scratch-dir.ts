import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INTERRUPTIONS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `work` in a fresh private directory under the temporary folder and removes it after,
 * also when the command is interrupted (Ctrl-C, SIGTERM, a closed terminal): it holds a copy
 * of the node's data, person keys included, and a key left in a forgotten copy would outlive
 * its person's erasure.
 */
export async function withScratchDir<T>(
  prefix: string,
  work: (dir: string) => Promise<T>,
): Promise<T> {
  // The handlers come first: an interruption between making the directory and listening
  // would leave it behind.
  let dir: string | undefined;
  const remove = () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  const onInterrupt = (signal: NodeJS.Signals) => {
    remove();
    stopListening();
    // Dies of the same signal, as it would have without this handler.
    process.kill(process.pid, signal);
  };
  const stopListening = () => {
    for (const signal of INTERRUPTIONS) process.off(signal, onInterrupt);
  };
  for (const signal of INTERRUPTIONS) process.on(signal, onInterrupt);
  try {
    dir = mkdtempSync(join(tmpdir(), prefix));
    return await work(dir);
  } finally {
    stopListening();
    remove();
  }
}
