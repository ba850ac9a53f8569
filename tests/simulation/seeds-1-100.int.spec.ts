import { describeSeeds } from './seeds';

// Two files of 100 seeds each, so that jest runs them on both cores.
describe('deterministic simulation, seeds 1–100', () => describeSeeds(1, 100));
