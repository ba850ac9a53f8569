import { loadavg } from 'node:os';
import { atLeast, round, type BenchCase, type Benchmark } from '../report';
import { EMMETT_VERSION, loadEmmett } from './peers/emmett';
import { compareEventStores } from './peers/event-stores';
import { compareHttp, type HttpRun } from './peers/http';
import { ensurePeersInstalled } from './peers/install';
import { GROUP_SIZE, kopfedGroups, rawInsert, storeAlone } from './peers/ledger';
import { medianOf, type Timed } from './peers/timing';

/** Groups per ledger case: 20,000 transfers in atomic groups of 100. */
const LEDGER_GROUPS = Number(process.env.BENCH_PEERS_LEDGER_GROUPS ?? 200);
/** As the settlement bench's POST /transfer-groups case. */
const LEDGER_CALLERS = 8;
const LEDGER_ROUNDS = 5;
/**
 * Unmeasured rounds before a ledger case's measured ones, every side alike. The settlement
 * service's JavaScript is still being compiled through the first thousand groups or so: its
 * CPU per transfer halves from the first round to the fifth (docs/performance.md, "The ledger
 * measured warm"), while the raw insert's few lines are compiled at once. A service runs
 * warm; the ratio is of that.
 */
const LEDGER_WARMUP_ROUNDS = Number(process.env.BENCH_PEERS_LEDGER_WARMUP ?? 5);

const load1m = () => round(loadavg()[0]!, 2);

function pair(
  name: string,
  unit: string,
  kopfed: Timed,
  peer: Timed,
  load: number,
): BenchCase & { ratio: number } {
  const ratio = kopfed.perSecond / peer.perSecond;
  return {
    name,
    [`kopfed${unit}PerSecond`]: Math.round(kopfed.perSecond),
    [`peer${unit}PerSecond`]: Math.round(peer.perSecond),
    ratio: round(ratio, 3),
    kopfedCpuMsPerOp: round(kopfed.cpuMsPerOp, 4),
    peerCpuMsPerOp: round(peer.cpuMsPerOp, 4),
    // The peer's CPU time per operation ÷ kopfed's: steadier than wall-clock rates on a busy machine.
    cpuRatio: round(peer.cpuMsPerOp / kopfed.cpuMsPerOp, 3),
    load1m: load,
  };
}

function httpCase(kopfed: HttpRun, express: HttpRun, load: number): BenchCase & { ratio: number } {
  const ratio = kopfed.perSecond / express.perSecond;
  return {
    name: 'HTTP: kopfed savings deposit ÷ bare Express (parse JSON, reply), autocannon',
    kopfedRequestsPerSecond: Math.round(kopfed.perSecond),
    peerRequestsPerSecond: Math.round(express.perSecond),
    ratio: round(ratio, 3),
    kopfedP50Ms: kopfed.p50Ms,
    kopfedP99Ms: kopfed.p99Ms,
    peerP50Ms: express.p50Ms,
    peerP99Ms: express.p99Ms,
    kopfedServerCpuMsPerRequest: round(kopfed.serverCpuMsPerRequest, 3),
    peerServerCpuMsPerRequest: round(express.serverCpuMsPerRequest, 3),
    cpuRatio: round(express.serverCpuMsPerRequest / kopfed.serverCpuMsPerRequest, 3),
    load1m: load,
  };
}

/**
 * Kopfed and the raw insert of the rows it wrote, ROUNDS times in turn; the median of each.
 * With `storeAlone`, each round also appends those events again through kopfed's event store
 * by itself (see `storeAlone`), an information row that splits the gap between the store and
 * the service.
 */
async function ledgerCase(
  callers: number,
  withStoreAlone = false,
): Promise<{ ledger: BenchCase & { ratio: number }; storeAlone?: BenchCase }> {
  const load = load1m();
  const rounds: { kopfed: Timed; raw: Timed; store?: Timed }[] = [];
  const transfers = LEDGER_GROUPS * GROUP_SIZE;
  for (let r = -LEDGER_WARMUP_ROUNDS; r < LEDGER_ROUNDS; r++) {
    const kopfed = await kopfedGroups(LEDGER_GROUPS, callers, `peers-${callers}-${r}`);
    const raw = await rawInsert(kopfed.rows, transfers);
    const store = withStoreAlone ? await storeAlone(kopfed.rows, transfers) : undefined;
    for (const copy of [raw, store])
      if (
        copy &&
        (copy.events !== kopfed.rows.events.length || copy.batches !== kopfed.rows.batches.length)
      )
        throw new Error('a ledger baseline did not write the rows kopfed wrote');
    if (r >= 0) rounds.push({ kopfed: kopfed.timing, raw: raw.timing, store: store?.timing });
  }
  const raw = medianOf(rounds.map((r) => r.raw));
  const stores = rounds.flatMap((r) => (r.store ? [r.store] : []));
  return {
    ledger: pair(
      `ledger: ${LEDGER_GROUPS} transfer groups of ${GROUP_SIZE}, ${callers} caller${callers === 1 ? '' : 's'} ÷ raw better-sqlite3 insert of the same rows`,
      'Transfers',
      medianOf(rounds.map((r) => r.kopfed)),
      raw,
      load,
    ),
    ...(stores.length > 0 && {
      storeAlone: pair(
        `ledger (information): kopfed's event store alone appending the same events, one append per group, ${callers} caller${callers === 1 ? '' : 's'} ÷ raw insert: the ceiling of the ledger ratio with one caller, whose every group is this same append and the service's work besides`,
        'Transfers',
        medianOf(stores),
        raw,
        load,
      ),
    }),
  };
}

export const peersBenchmark: Benchmark = {
  name: 'peers',
  description: `kopfed beside its peers on one machine: emmett-sqlite ${EMMETT_VERSION} (appends, stream reads, readAll), bare Express (HTTP), raw better-sqlite3 (ledger)`,
  async run() {
    ensurePeersInstalled();
    const emmett = loadEmmett();
    const loadAtStart = loadavg().map((l) => round(l, 2));
    const cpu0 = process.cpuUsage();
    const started = performance.now();

    const esLoad = load1m();
    const es = await compareEventStores(emmett);
    const { config } = es;
    const appends = pair(
      `event store: ${config.appends} one-event appends over ${config.streams} streams, one writer each ÷ emmett`,
      'Appends',
      es.appends.kopfed,
      es.appends.emmett,
      esLoad,
    );
    const storeApiName = `event store (information): the same appends ÷ emmett's getSQLiteEventStore (a connection opened and closed per call; ${config.emmettStoreApiAppends} appends, one round`;
    const storeApi: BenchCase = es.appends.emmettStoreApi
      ? pair(
          `${storeApiName}${config.emmettStoreApiAttempts > 1 ? `, after ${config.emmettStoreApiAttempts - 1} failed with SQLITE_BUSY` : ''})`,
          'Appends',
          es.appends.kopfed,
          es.appends.emmettStoreApi,
          esLoad,
        )
      : {
          name: `${storeApiName}): not measured, emmett's store object failed all ${config.emmettStoreApiAttempts} attempts with SQLITE_BUSY`,
          load1m: esLoad,
        };
    const concurrent = pair(
      `event store (information): kopfed with ${config.concurrentWriters} concurrent writers (group commit) ÷ emmett's one writer`,
      'Appends',
      es.appends.kopfedConcurrent,
      es.appends.emmett,
      esLoad,
    );
    const streamReads = pair(
      `event store: read ${config.eventsRead / 100} streams of 100 events and fold each into a balance ÷ emmett`,
      'Events',
      es.streamReads.kopfed,
      es.streamReads.emmett,
      esLoad,
    );
    const readAll = pair(
      `event store: read all ${config.eventsRead.toLocaleString('en')} events in pages of 1,000 ÷ emmett`,
      'Events',
      es.readAll.kopfed,
      es.readAll.emmett,
      esLoad,
    );

    const httpLoad = load1m();
    const http = await compareHttp();
    const httpRow = httpCase(http.kopfed, http.express, httpLoad);

    const { ledger: ledgerConcurrent } = await ledgerCase(LEDGER_CALLERS);
    const { ledger: ledgerSingle, storeAlone: ledgerStoreAlone } = await ledgerCase(1, true);

    const cpu = process.cpuUsage(cpu0);
    const loadAtEnd = loadavg().map((l) => round(l, 2));
    return {
      cases: [
        appends,
        storeApi,
        concurrent,
        streamReads,
        readAll,
        httpRow,
        ledgerConcurrent,
        ledgerSingle,
        ...(ledgerStoreAlone ? [ledgerStoreAlone] : []),
      ],
      targets: [
        atLeast('event store appends, one writer each: kopfed ÷ emmett', appends.ratio, 2),
        atLeast('event store stream reads (rebuild state): kopfed ÷ emmett', streamReads.ratio, 2),
        atLeast('HTTP deposit: kopfed ÷ bare Express', httpRow.ratio, 0.4),
        atLeast(
          `ledger, ${LEDGER_CALLERS} callers as the settlement bench: kopfed ÷ raw insert`,
          ledgerConcurrent.ratio,
          0.5,
        ),
        atLeast('ledger, 1 caller: kopfed ÷ raw insert', ledgerSingle.ratio, 0.5),
      ],
      notes: [
        `load average (1, 5, 15 min) at start ${loadAtStart.join(', ')}, at end ${loadAtEnd.join(', ')}; this process used ${round((cpu.user + cpu.system) / 1e6, 1)} s of CPU in ${round((performance.now() - started) / 1_000, 1)} s (autocannon's CPU is in its own process and not counted); load1m in each row is the 1-minute load average when its section began`,
        `event store: both stores are SQLite files in the same temporary folder with WAL and synchronous FULL (emmett sets WAL on every connection it opens; synchronous FULL is set on its connection here, as kopfed's applyPragmas does; emmett's connection reported journal_mode ${es.emmettPragmas.journalMode}, synchronous ${es.emmettPragmas.synchronous}); emmett is driven through its own appendToStream, readStream and readMessagesBatch over one long-lived connection, the fastest way its API allows; no optimistic-concurrency check on either side (kopfed 'any', emmett no expected version); each event-store case is the median of ${config.rounds} rounds, kopfed and emmett interleaved; the read cases read the same ${config.eventsRead.toLocaleString('en')} events written by each store, and check that both folds give the same total`,
        "event store: every append on either side is one transaction and one fsync of the WAL; kopfed is better-sqlite3 (synchronous, on the main thread), emmett is sqlite3 (each statement a round trip to the libuv thread pool, about five per append); CpuMsPerOp is this process's CPU time (all threads) per operation",
        `HTTP: both servers run in this process behind node:http; autocannon 8.0.0 runs in a child process with ${http.config.connections} connections, a 1 s warm-up, then ${http.config.seconds} s measured, ${http.config.rounds} rounds alternating Express and kopfed, median kept; the same POST path, body and bearer token for both; kopfed is the savings service as the savings bench builds it (savingsHarness, SQLite file store, WAL, synchronous FULL, ${http.config.accounts.toLocaleString('en')} accounts seeded, deposits spread over the sukarela ones); ServerCpuMsPerRequest is this process's CPU time per request while measuring`,
        `ledger: kopfed is the settlement service's transfer service called in-process (the handler behind POST /transfer-groups, without HTTP), ${LEDGER_GROUPS} groups of ${GROUP_SIZE} transfers; it makes one TransferGroupSubmitted event and one seal row durable per group, and with concurrent callers it commits several groups per transaction. The raw side inserts exactly those rows (same bytes, kopfed's schema and pragmas: WAL, synchronous FULL) with better-sqlite3, one immediate transaction per group, one writer; each ledger case is the median of ${LEDGER_ROUNDS} rounds, kopfed then raw, after ${LEDGER_WARMUP_ROUNDS} unmeasured rounds of every side (the service's code compiled, as in a service that has been running). The information row appends the events kopfed wrote with one caller again through kopfed's SqliteEventStore alone (a fresh file, one append call per group as the service made it, each awaited): the same serialising, sealing and fsync per group as the service's append, without the service's work`,
        "cpuRatio in every row is the peer's CPU time per operation ÷ kopfed's (the same direction as ratio: above 1, kopfed costs less): on a machine shared with other work it moves far less than the wall-clock ratio",
      ],
    };
  },
};
