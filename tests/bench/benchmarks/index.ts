import type { Benchmark } from '../report';
import { auditBenchmark } from './audit';
import { busBenchmark } from './bus';
import { diskBenchmark } from './disk';
import { eventstoreBenchmark } from './eventstore';
import { loanBenchmark } from './loan';
import { memberSyncBenchmark } from './member-sync';
import { nodeBenchmark } from './node';
import { peersBenchmark } from './peers';
import { savingsBenchmark } from './savings';
import { scalingBenchmark } from './scaling';
import { settlementBenchmark } from './settlement';

/** Every named benchmark `npm run bench` knows, in the order a full run takes them. */
export const BENCHMARKS: readonly Benchmark[] = [
  diskBenchmark,
  eventstoreBenchmark,
  busBenchmark,
  memberSyncBenchmark,
  savingsBenchmark,
  loanBenchmark,
  settlementBenchmark,
  auditBenchmark,
  nodeBenchmark,
  scalingBenchmark,
  peersBenchmark,
];
