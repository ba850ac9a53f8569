import { openWorld, simulate, type SimulationResult } from './simulation';
import type { World } from './world';

/** Scheduler steps per seed: enough to open, fund and race accounts under every fault. */
export const STEPS_PER_SEED = 25;

/**
 * The seeds a suite runs: `SIM_SEED=<n>` replays one seed (in a world of its own, as when it
 * failed), otherwise `from`..`to`.
 */
export function seedsToRun(from: number, to: number): number[] {
  const one = process.env.SIM_SEED;
  if (one !== undefined) {
    const seed = Number(one);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`SIM_SEED: not a seed: ${one}`);
    return [seed];
  }
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * Runs seeds one after the other in one shared world (one world per seed would spend most of
 * the time building routers); each seed is its own tenant, so it replays alone the same way.
 */
export function describeSeeds(from: number, to: number): void {
  const seeds = seedsToRun(from, to);
  const replaying = process.env.SIM_SEED !== undefined;
  let world: World | undefined;
  beforeAll(async () => {
    if (!replaying) world = await openWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it.each(seeds)('seed %i keeps every invariant under faults', async (seed) => {
    const result: SimulationResult = await simulate(seed, {
      steps: STEPS_PER_SEED,
      ...(world ? { world } : {}),
    });
    expect(result.trace).toHaveLength(STEPS_PER_SEED + 1);
    expect(result.trace.at(-1)).toBe('drained');
  });
}
