import { describeSeeds } from './seeds';

describe('deterministic simulation, seeds 101–200', () => describeSeeds(101, 200));
