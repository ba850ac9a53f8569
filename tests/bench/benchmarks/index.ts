import type { Benchmark } from '../report';
import { busBenchmark } from './bus';
import { eventstoreBenchmark } from './eventstore';
import { memberSyncBenchmark } from './member-sync';
import { savingsBenchmark } from './savings';

/** Every named benchmark `npm run bench` knows, in the order a full run takes them. */
export const BENCHMARKS: readonly Benchmark[] = [
  eventstoreBenchmark,
  busBenchmark,
  memberSyncBenchmark,
  savingsBenchmark,
];
