import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NodeProcess, sleep } from '../../e2e/node-process';
import { processCpuMs } from '../closed-loop';
import { load, type LoadResult } from '../http-load';
import { eventsIn, fillTo, mixed, setUp, type Fixture } from '../node-workload';
import { atMost, percentile, round, type BenchCase, type Benchmark } from '../report';

const REQUESTS = Number(process.env.SCALING_REQUESTS ?? 5_000);
const CLIENTS = 50;
/** Measured loads per point; the point reports the median of each figure over them. */
const ROUNDS = Number(process.env.SCALING_ROUNDS ?? 3);
const COOP_COUNTS = (process.env.SCALING_COOPS ?? '1,10,100,1000').split(',').map(Number);
const EVENT_COUNTS = (process.env.SCALING_EVENTS ?? '100000,1000000,10000000')
  .split(',')
  .map(Number);
const AXES = (process.env.SCALING_AXES ?? 'coops,events').split(',');
/**
 * Requests of the same mix sent before each point's measured loads and not counted. They
 * touch the accounts, loans and coops the measured load touches, so a point measures the node
 * in its steady state, not the first reads of a thousand coops' ledgers and catalogues after a
 * restart. SCALING_WARMUP=0 measures right after the restart, caches cold.
 */
const WARMUP = Number(process.env.SCALING_WARMUP ?? 5_000);
/** Request numbers of the warm-up start here (a multiple of the mix's 10 and the 1,000 members), apart from the measured ones. */
const WARMUP_FROM = 10_000_000;
let warmedUp = 0;
/** The coops of the events axis, and the events under every point of the coops axis. */
const EVENTS_AXIS_COOPS = 10;
/**
 * The members of the coops axis, spread over its coops (1,000 in one coop … one in each of
 * 1,000): every point sends its load to the same number of accounts and loans, so the axis
 * measures coops, not how many clients wait on one account.
 */
const COOPS_AXIS_MEMBERS = 1_000;
const COOPS_AXIS_EVENTS = EVENT_COUNTS[0]!;
const STORES = ['member', 'savings', 'loan', 'settlement', 'audit', 'access'];

const coops = (count: number) => Array.from({ length: count }, (_, i) => `bench-${i}`);

/** CPU time the node has used so far, in ms (all its threads), from /proc. */
function nodeCpuMs(node: NodeProcess): number {
  const ms = processCpuMs(node.pid!);
  if (ms === undefined)
    throw new Error('the scaling benchmark reads the node’s CPU time from /proc');
  return ms;
}

/**
 * Waits until the node has finished its background catch-up (relays, projections, the audit
 * sealer over imported history): under 5% of a core for two seconds running.
 */
async function settle(node: NodeProcess): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  let before = nodeCpuMs(node);
  while (quiet < 2 && performance.now() - started < 15 * 60_000) {
    await sleep(1_000);
    const now = nodeCpuMs(node);
    quiet = now - before < 50 ? quiet + 1 : 0;
    before = now;
  }
  return (performance.now() - started) / 1000;
}

/** One measured load: its figures and the node's CPU per command while it ran. */
interface Round {
  result: LoadResult;
  nodeCpuMsPerCommand: number;
}

/** Requests of the mix sent before a point's measured loads, not counted. */
async function warmUp(port: number, fixture: Fixture): Promise<void> {
  if (WARMUP === 0) return;
  const first = WARMUP_FROM + warmedUp;
  warmedUp += WARMUP;
  await load({
    port,
    concurrency: CLIENTS,
    total: WARMUP,
    request: (n) => mixed(fixture, first + n),
  });
}

/**
 * One measured load on a node that has settled: after the warm-up and after the load before,
 * its relays, projections, postings and the audit sealer have caught up, so no load pays for
 * work the one before it left behind. `index` numbers the point's loads, apart from each other.
 */
async function measureRound(
  node: NodeProcess,
  port: number,
  fixture: Fixture,
  from: number,
  index: number,
): Promise<Round> {
  if (WARMUP > 0 || index > 0) await settle(node);
  const cpuBefore = nodeCpuMs(node);
  const result = await load({
    port,
    concurrency: CLIENTS,
    total: REQUESTS,
    request: (n) => mixed(fixture, from + index * REQUESTS + n),
  });
  const nodeCpuMsPerCommand = (nodeCpuMs(node) - cpuBefore) / result.requests;
  return { result, nodeCpuMsPerCommand };
}

/** A point's measured loads, ROUNDS of them, one after another after its warm-up. */
async function measure(
  node: NodeProcess,
  port: number,
  fixture: Fixture,
  from: number,
): Promise<Round[]> {
  await warmUp(port, fixture);
  const rounds: Round[] = [];
  for (let index = 0; index < ROUNDS; index++)
    rounds.push(await measureRound(node, port, fixture, from, index));
  return rounds;
}

const succeededIn = (result: LoadResult) =>
  Object.entries(result.statuses)
    .filter(([status]) => Number(status) < 300)
    .reduce((sum, [, count]) => sum + count, 0);

/** A point's figures: the median of its rounds, each figure on its own; the rounds beside. */
function point(name: string, rounds: Round[], extra: Record<string, number>): BenchCase {
  const of = (figure: (r: Round) => number) => percentile(rounds.map(figure), 50);
  return {
    name,
    ...extra,
    requests: rounds.reduce((sum, { result }) => sum + result.requests, 0),
    warmupRequests: WARMUP,
    succeeded: rounds.reduce((sum, { result }) => sum + succeededIn(result), 0),
    commandsPerSecond: Math.round(of((r) => r.result.perSecond)),
    p50Ms: round(
      of((r) => r.result.p50Ms),
      1,
    ),
    p99Ms: round(
      of((r) => r.result.p99Ms),
      1,
    ),
    nodeCpuMsPerCommand: round(
      of((r) => r.nodeCpuMsPerCommand),
      3,
    ),
    roundsCommandsPerSecond: rounds.map((r) => Math.round(r.result.perSecond)).join(', '),
    roundsP99Ms: rounds.map((r) => round(r.result.p99Ms, 1)).join(', '),
  };
}

/** (largest − smallest) ÷ largest of one figure along an axis. */
function spread(cases: BenchCase[], figure: 'commandsPerSecond' | 'p99Ms'): number {
  const values = cases.map((c) => Number(c[figure]));
  return (Math.max(...values) - Math.min(...values)) / Math.max(...values);
}

async function withNode<T>(
  work: (node: NodeProcess, dataDir: string, port: number) => Promise<T>,
): Promise<T> {
  const running = await startNode();
  try {
    return await work(running.node, running.dataDir, running.port);
  } finally {
    await stopNode(running);
  }
}

/** Stops the node, tops its stores up to `total` events with imported history, restarts it. */
async function growTo(node: NodeProcess, dataDir: string, total: number): Promise<number> {
  await node.stop();
  const events = eventsIn(dataDir, STORES);
  await fillTo(dataDir, total, events);
  await node.start(600_000);
  return Math.max(total, events);
}

interface RunningNode {
  node: NodeProcess;
  dataDir: string;
  port: number;
}

async function startNode(): Promise<RunningNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-bench-scaling-'));
  const port = await freePort();
  const node = new NodeProcess({ dataDir, port, env: { LOG_LEVEL: 'error' } });
  try {
    await node.start(600_000);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return { node, dataDir, port };
}

async function stopNode({ node, dataDir }: RunningNode): Promise<void> {
  await node.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * One federation per number of primary coops, each over the same size of history, each on a
 * node of its own; all of them run until the axis is measured. The points' loads take turns,
 * round by round (the first round in the axis's order, each next round starting one point
 * later): this machine's speed drifts by 10-30% over minutes, and measured one point after
 * another, that drift landed between the points as if it were theirs.
 */
async function coopsAxis(log: (line: string) => void): Promise<BenchCase[]> {
  const points: (RunningNode & { count: number; events: number; fixture: Fixture })[] = [];
  try {
    for (const count of COOP_COUNTS) {
      const running = await startNode();
      // One primary coop still pays another: its transfers go to a coop with no load.
      const fixture = await setUp(
        running.node,
        coops(count),
        count === 1 ? ['bench-payee'] : [],
        Math.ceil(COOPS_AXIS_MEMBERS / count),
      ).catch(async (error: unknown) => {
        await stopNode(running);
        throw error;
      });
      points.push({ ...running, count, events: 0, fixture });
      const added = points.at(-1)!;
      added.events = await growTo(added.node, added.dataDir, COOPS_AXIS_EVENTS);
      const settledIn = await settle(added.node);
      log(`scaling: ${count} coops, ${added.events} events, settled in ${round(settledIn, 0)} s`);
      await warmUp(added.port, fixture);
    }
    const rounds = points.map((): Round[] => []);
    for (let index = 0; index < ROUNDS; index++)
      for (let turn = 0; turn < points.length; turn++) {
        const at = (turn + index) % points.length;
        const { node, port, fixture } = points[at]!;
        // The others too: the point measured before this one, or warmed up last, is still
        // catching up for a few seconds, on the same two cores.
        await Promise.all(points.map((other) => settle(other.node)));
        rounds[at]!.push(await measureRound(node, port, fixture, 0, index));
      }
    return points.map(({ count, events }, at) =>
      point(`${count} primary coops`, rounds[at]!, { coops: count, events }),
    );
  } finally {
    await Promise.all(points.map(stopNode));
  }
}

/** One federation of ten coops whose history grows between the points. */
async function eventsAxis(log: (line: string) => void): Promise<BenchCase[]> {
  return withNode(async (node, dataDir, port) => {
    const fixture = await setUp(node, coops(EVENTS_AXIS_COOPS));
    const cases: BenchCase[] = [];
    for (const [index, total] of EVENT_COUNTS.entries()) {
      const events = await growTo(node, dataDir, total);
      const settledIn = await settle(node);
      log(
        `scaling: ${EVENTS_AXIS_COOPS} coops, ${events} events, settled in ${round(settledIn, 0)} s`,
      );
      const rounds = await measure(node, port, fixture, index * ROUNDS * REQUESTS);
      cases.push(
        point(`${events.toLocaleString('en')} events`, rounds, {
          coops: EVENTS_AXIS_COOPS,
          events,
        }),
      );
    }
    return cases;
  });
}

/**
 * How the node's commands per second and p99 change with the number of primary coops and
 * with the size of the history in its stores: the node as `npm start` runs it, the `node`
 * benchmark's mix, after the node has settled.
 */
export const scalingBenchmark: Benchmark = {
  name: 'scaling',
  description: `the node's mixed commands (${REQUESTS.toLocaleString('en')} per point, ${CLIENTS} clients) with ${COOP_COUNTS.join(', ')} primary coops and ${EVENT_COUNTS.map((n) => n.toLocaleString('en')).join(', ')} events in the stores`,
  async run() {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const byCoops = AXES.includes('coops') ? await coopsAxis(log) : [];
    const byEvents = AXES.includes('events') ? await eventsAxis(log) : [];
    const coopsRange = `${COOP_COUNTS[0]} → ${COOP_COUNTS.at(-1)} coops`;
    const eventsRange = `${EVENT_COUNTS[0]!.toLocaleString('en')} → ${EVENT_COUNTS.at(-1)!.toLocaleString('en')} events`;
    return {
      cases: [...byCoops, ...byEvents],
      targets: [
        ...(byCoops.length === 0
          ? []
          : [
              atMost(`commands/s spread, ${coopsRange}`, spread(byCoops, 'commandsPerSecond'), 0.2),
              atMost(`p99 spread, ${coopsRange}`, spread(byCoops, 'p99Ms'), 0.2),
            ]),
        ...(byEvents.length === 0
          ? []
          : [
              atMost(
                `commands/s spread, ${eventsRange}`,
                spread(byEvents, 'commandsPerSecond'),
                0.2,
              ),
              atMost(`p99 spread, ${eventsRange}`, spread(byEvents, 'p99Ms'), 0.2),
            ]),
      ],
      notes: [
        'spread = (largest − smallest) ÷ largest along the axis; the target is within 20%',
        WARMUP > 0
          ? `each point first sends ${WARMUP.toLocaleString('en')} requests of the same mix (SCALING_WARMUP), not counted, so its caches are warm when the measured loads start`
          : 'each point is measured right after the node restarted, caches cold (SCALING_WARMUP sends an uncounted warm-up first)',
        `each point is ${ROUNDS} measured loads of ${REQUESTS.toLocaleString('en')} requests (SCALING_ROUNDS, SCALING_REQUESTS), each started once the node is idle again (on the coops axis the points' loads take turns, round by round, each point on a node of its own); its commands/s, p50, p99 and node CPU per command are the medians of the rounds, each figure on its own, and the rounds' commands/s and p99 are listed beside them`,
        `the coops axis has ${COOPS_AXIS_EVENTS.toLocaleString('en')} events under every point (the federation’s own plus imported history); the events axis has ${EVENTS_AXIS_COOPS} primary coops`,
        `the coops axis spreads ${COOPS_AXIS_MEMBERS.toLocaleString('en')} members over its coops, the events axis has 10 members a coop; every member has a sukarela account and a loan; one coop alone pays a payee coop that has no load of its own`,
        'imported history is appended to the savings store in streams no projection reads; each point waits until the node is idle (its relays, projections and the audit sealer have caught up) before the load',
      ],
    };
  },
};
