import { writeSync } from 'node:fs';

/**
 * TEST ONLY: the moments at which the resume tests make the agent kill itself, exactly, instead
 * of racing it with a kill from outside. `answered`: batch N's answer (the server has applied
 * it) is in hand but not yet recorded; `recorded`: batch N is durably in the state file and
 * nothing after it has been sent. N counts the plan's batches from 1, as `acknowledged` does.
 */
export type TestCrashMoment = 'answered' | 'recorded';

export interface TestCrashPoint {
  moment: TestCrashMoment;
  batch: number;
}

/** The variable the tests' entry point (`testing/sync-main.ts`) reads: `answered:7`, `recorded:3`. */
export const TEST_CRASH_VARIABLE = 'KOPFED_TEST_SYNC_CRASH';

const POINT = /^(answered|recorded):([1-9][0-9]{0,8})$/;

/**
 * Nothing is armed unless `armTestCrash` is called, and only `testing/sync-main.ts` calls it:
 * the installed `kopfed` (bin/kopfed.js → main.ts) never reads the variable, so setting it on
 * a coop's machine (or NODE_ENV=test there) cannot make a real sync kill itself.
 */
let armed: { point: TestCrashPoint; crash: () => void } | undefined;

export function parseTestCrash(text: string): TestCrashPoint {
  const match = POINT.exec(text);
  if (!match)
    throw new Error(
      `${TEST_CRASH_VARIABLE}=${text}: expected answered:<batch> or recorded:<batch>`,
    );
  return { moment: match[1] as TestCrashMoment, batch: Number(match[2]) };
}

/** Arms one crash point (undefined disarms); `crash` is replaced only by this module's unit test. */
export function armTestCrash(
  point: TestCrashPoint | undefined,
  crash: () => void = killThisProcess,
): void {
  armed = point && { point, crash };
}

/** Called by the agent at each moment; crashes only at the armed one. */
export function crashIfArmed(moment: TestCrashMoment, batch: number): void {
  if (armed?.point.moment === moment && armed.point.batch === batch) armed.crash();
}

/** What the agent writes to stderr just before it kills itself at `point`. */
export function testCrashLine(point: TestCrashPoint): string {
  return `kopfed sync: test crash: batch ${point.batch} ${point.moment}`;
}

/** SIGKILL, as a power cut or `kill -9` would: no handler runs, nothing is flushed or tidied. */
function killThisProcess(): void {
  // Synchronous, so the test sees the line and knows the kill was this one, not its deadline.
  writeSync(2, `${testCrashLine(armed!.point)}\n`);
  process.kill(process.pid, 'SIGKILL');
}
