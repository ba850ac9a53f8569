import { loanModule } from '@kopfed/loan';
import { memberModule } from '@kopfed/member';
import { savingsModule } from '@kopfed/savings';
import { settlementModule } from '@kopfed/settlement';
import {
  defineLimits,
  defineLoanProducts,
  defineSavingsProducts,
  Federation,
  openBooks,
  registerFederation,
} from './federation';
import { Auditor, InvariantViolation } from './invariants';
import { Model } from './model';
import { Prng } from './prng';
import { SimBus } from './sim-bus';
import { STEP_WEIGHTS, Steps } from './steps';
import { VirtualClock } from './virtual-clock';
import { World } from './world';

export interface SimulationOptions {
  /** Scheduler steps after the set-up (commands, deliveries, faults). */
  steps: number;
  /** A world other runs share (cheaper than building one); a run of its own otherwise. */
  world?: World;
  /** Names this run's coops and accounts apart from other runs in the world; the seed by default. */
  tenant?: number;
  /** Runs after the steps, before the drain: the harness's own tests break things here. */
  tamper?: (world: World, model: Model) => Promise<void>;
}

export interface SimulationResult {
  seed: number;
  /** One line per step: what the scheduler chose and how it went. Equal for equal seeds. */
  trace: string[];
  counts: SimBus['counts'] & {
    conflicts: number;
    restarts: number;
    accounts: number;
    members: number;
    loans: number;
  };
}

/** Reported with the seed and the steps leading to it, so `SIM_SEED=<seed>` replays it. */
export class SimulationFailure extends Error {
  override readonly name = 'SimulationFailure';
  constructor(
    readonly seed: number,
    readonly trace: readonly string[],
    override readonly cause: unknown,
    readonly logs: readonly string[],
  ) {
    super(
      [
        `simulation seed ${seed} failed at step ${trace.length + 1}: ${cause instanceof Error ? cause.message : String(cause)}`,
        `reproduce: cd tests && SIM_SEED=${seed} npx jest simulation`,
        'last steps:',
        ...trace.slice(-25).map((line) => `  ${line}`),
        ...(logs.length > 0
          ? ['service errors:', ...logs.slice(-5).map((l) => `  ${l.trim()}`)]
          : []),
      ].join('\n'),
    );
  }
}

const MAX_DRAIN_DELIVERIES = 10_000;
const START = '2026-03-10T03:00:00.000Z';

/** The member, savings, loan and settlement services in one process on the simulation's bus, stores and clock. */
export function openWorld(): Promise<World> {
  return World.open({
    modules: [memberModule, savingsModule, loanModule, settlementModule],
    otherModules: [savingsModule],
    bus: new SimBus(),
    clock: new VirtualClock(START),
  });
}

/**
 * One deterministic run: a seeded scheduler picks each step (a client command, a delivery, a
 * fault); the invariants are checked after every step, and once more after the bus is drained.
 */
export async function simulate(
  seed: number,
  options: SimulationOptions,
): Promise<SimulationResult> {
  const world = options.world ?? (await openWorld());
  const prng = new Prng(seed);
  const federation = new Federation(options.tenant ?? seed);
  const model = new Model(`t${federation.tenant}-acc-`);
  const trace: string[] = [];
  const conflictsBefore = world.store('savings').conflicts;
  const restartsBefore = world.restarts.count;
  world.clock.nextMorning();
  world.bus.beginRun();
  world.errors = [];
  try {
    const auditor = await Auditor.begin(world, model, federation);
    const keys = await registerFederation(world, federation);
    auditor.useKey(keys.admin);
    await drain(world, prng);
    await defineSavingsProducts(world, federation, keys);
    await defineLimits(world, federation, keys);
    await defineLoanProducts(world, federation, keys);
    await openBooks(world, federation, keys);
    const steps = new Steps(world, federation, model, keys, prng);
    for (let i = 1; i <= options.steps; i++) {
      const outcome = await steps.run(prng.weighted(STEP_WEIGHTS));
      trace.push(`${i} ${outcome}`);
      await world.settle();
      world.bus.tick();
      await auditor.checkAll();
    }
    await options.tamper?.(world, model);
    await drain(world, prng);
    trace.push('drained');
    await auditor.checkAll();
    await auditor.checkDrained();
    return {
      seed,
      trace,
      counts: {
        ...world.bus.counts,
        conflicts: world.store('savings').conflicts - conflictsBefore,
        restarts: world.restarts.count - restartsBefore,
        accounts: model.accounts.size,
        members: model.members.length,
        loans: model.loans.size,
      },
    };
  } catch (error) {
    throw new SimulationFailure(seed, trace, error, world.errors);
  } finally {
    if (!options.world) await world.close();
  }
}

/** Delivers every pending message, delays ignored and no new faults, until the bus is idle. */
async function drain(world: World, prng: Prng): Promise<void> {
  for (let i = 0; i < MAX_DRAIN_DELIVERIES; i++) {
    await world.settle();
    if (!world.bus.canDeliver(true)) return;
    await world.bus.deliverOne(prng, true);
  }
  throw new InvariantViolation(`the bus did not drain in ${MAX_DRAIN_DELIVERIES} deliveries`);
}
