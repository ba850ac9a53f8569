import { memberSyncBenchmark } from './benchmarks/member-sync';
void memberSyncBenchmark.run().then((r) => console.log(JSON.stringify(r, null, 1)));
