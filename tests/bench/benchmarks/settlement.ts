import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import { SqliteEventStore, type NewEvent } from '@kopfed/eventstore';
import {
  accountCode,
  coopId as toCoopId,
  credit,
  debit,
  entryId,
  type Account,
  type LedgerCommand,
} from '@kopfed/ledger';
import { money } from '@kopfed/money';
import {
  ApiKeyRegistry,
  createLogger,
  createServiceApp,
  InMemoryCoopDirectory,
  TokenBucketLimiter,
} from '@kopfed/service-kit';
import { createSettlement, type Settlement } from '@kopfed/settlement';
import { batchIdOf, windowOf } from '@kopfed/settlement/src/clearing/batch-window';
import { LedgerHost } from '@kopfed/settlement/src/ledger/ledger-host';
import { applyClearingEvent } from '@kopfed/settlement/src/clearing/clearing-state';
import type { BatchRef, TransferPosted } from '@kopfed/settlement/src/clearing/model';
import { closedLoopInChild, failuresOf } from '../closed-loop';
import { atLeast, atMost, percentile, round, type BenchCase, type Benchmark } from '../report';
import { COOPS, GROUP_SIZE, PARENT, type SettlementLoadArgs } from './settlement-load';

const SIZES = [1_000, 1_000_000] as const;
const FILL_EVENTS_PER_APPEND = 10_000;
/**
 * A close is one durable append, so its time is mostly one fsync, whose latency on a shared
 * disk varies several-fold from one to the next (7–67 ms seen for the same close): the
 * medians of a few closes decide the ratio by chance, those of seven do not.
 */
const CLOSES_PER_SIZE = 7;
const RESTORE_EVENTS = 100_000;
/** A parent clearing for this many member coops, one clearing sub-account each, all in use. */
const LEDGER_MEMBERS = 1_000;
const LEDGER_POSTINGS = 100_000;
const LEDGER_POSTINGS_PER_CALL = 1_000;
const WARMUP_MS = 1_000;
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 5_000);
const SINGLE_CLIENTS = 64;
const GROUP_CLIENTS = 8;

interface Service {
  dir: string;
  store: SqliteEventStore;
  settlement: Settlement;
  close(): Promise<void>;
}

/** The settlement service on a fresh SQLite file: 20 coops under one parent, limits out of reach. */
export async function service(): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-settlement-'));
  const store = new SqliteEventStore({ file: join(dir, 'settlement.db') });
  const directory = new InMemoryCoopDirectory(COOPS.map((c) => [c, PARENT] as const));
  const settlement = await createSettlement(
    {
      store,
      readModels: store.database,
      coopDirectory: directory,
      logger: createLogger({ level: 'silent' }),
      clock: () => new Date(),
      dataDir: dir,
      env: {},
    },
    { expirySweepMs: 3_600_000 },
  );
  // The closed-loop rule: every pair of the bench's coops trades under an agreement, as
  // the member service's CooperationAgreementSigned events would record it.
  COOPS.forEach((coop, i) => {
    for (const partner of COOPS.slice(i + 1))
      settlement.agreements.signed({
        agreementId: `bench-${coop}-${partner}`,
        coopId: coop,
        partnerCoopId: partner,
        validFrom: '2000-01-01',
        validUntil: '2099-12-31',
      });
  });
  const big = { amount: '900000000000000', currency: 'IDR' };
  for (const coop of COOPS) {
    await settlement.limits.setLimits(
      coop,
      { netDebitCap: big, alarmAtBasisPoints: 10_000, autoLiquidityLoan: true },
      {},
    );
  }
  return {
    dir,
    store,
    settlement,
    async close() {
      await settlement.instance.close?.();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function posted(ref: BatchRef, k: number, tag: string): TransferPosted {
  const from = COOPS[k % COOPS.length]!;
  const to = COOPS[(k + 1 + (k % 7)) % COOPS.length]!;
  const amount = { amount: String(1_000 + (k % 997)), currency: 'IDR' };
  return {
    type: 'TransferPosted',
    data: {
      transfer: {
        transferId: `${tag}-${k}`,
        parentCoopId: PARENT,
        fromCoopId: from,
        toCoopId: to,
        amount,
        pending: false,
        timeoutSeconds: null,
        expiresAt: null,
        model: 'multilateral_net',
        reference: null,
        memo: null,
        groupId: null,
        createdAt: ref.windowStart,
      },
      posted: amount,
      batch: ref,
      postedAt: ref.windowStart,
    },
  };
}

function batchRef(generation: number): BatchRef {
  const window = windowOf(new Date().toISOString(), 24 * 60);
  const base = {
    parentCoopId: PARENT,
    model: 'multilateral_net' as const,
    currency: 'IDR',
    windowStart: window.start,
    windowEnd: window.end,
  };
  return { ...base, batchId: batchIdOf(base, generation) };
}

/**
 * Batches filled by folding posted transfers into the engine's state — the fold it runs on
 * every durable transfer and on a restart — so that a million transfers take seconds to set
 * up; the close itself then runs as in production, its event appended to the SQLite store.
 */
async function measureCloses(): Promise<{ cases: BenchCase[]; ratio: number }> {
  const s = await service();
  try {
    const closeMs = new Map<number, number[]>();
    let generation = 0;
    for (let round = 0; round < CLOSES_PER_SIZE; round++) {
      for (const size of SIZES) {
        const ref = batchRef(++generation);
        const state = s.settlement.core.state;
        for (let k = 0; k < size; k++) applyClearingEvent(state, posted(ref, k, ref.batchId), 0);
        const t0 = performance.now();
        const view = await s.settlement.batches.close(ref.batchId, {});
        closeMs.set(size, [...(closeMs.get(size) ?? []), performance.now() - t0]);
        if (view.transferCount !== size)
          throw new Error(`batch held ${view.transferCount} transfers, not ${size}`);
      }
    }
    const median = (size: number) => percentile(closeMs.get(size)!, 50);
    const cases: BenchCase[] = SIZES.map((size) => ({
      name: `close a batch of ${size.toLocaleString('en')} transfers`,
      closeMsMedian: round(median(size), 3),
      closeMsMax: round(Math.max(...closeMs.get(size)!), 3),
      closes: closeMs.get(size)!.length,
    }));
    return { cases, ratio: median(1_000_000) / median(1_000) };
  } finally {
    await s.close();
  }
}

/** A restart: the engine folds the clearing events of the log (no snapshot yet). */
async function measureRestore(): Promise<BenchCase> {
  const s = await service();
  try {
    const ref = batchRef(1);
    for (let i = 0; i < RESTORE_EVENTS; i += FILL_EVENTS_PER_APPEND) {
      const events: NewEvent[] = Array.from({ length: FILL_EVENTS_PER_APPEND }, (_, k) => ({
        id: uuidv7(),
        schemaVersion: 1,
        ...posted(ref, i + k, 'restore'),
      }));
      await s.store.append(`transfer-restore${i}`, events, { expectedRevision: 'any' });
    }
    const t0 = performance.now();
    await s.settlement.core.restore();
    const seconds = (performance.now() - t0) / 1000;
    return {
      name: `engine restart: fold ${RESTORE_EVENTS.toLocaleString('en')} transfers from the log`,
      restoreSeconds: round(seconds, 2),
      restoreEventsPerSecond: Math.round(RESTORE_EVENTS / seconds),
    };
  } finally {
    await s.close();
  }
}

/**
 * A restart of the ledgers: the first posting after it reads the coop's ledger and folds every
 * event of it into its state, on the event loop. The parent of a federation clears for each
 * member coop on a sub-account of its own, so its balances span a thousand accounts.
 */
async function measureLedgerRestore(): Promise<BenchCase> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-ledger-'));
  const store = new SqliteEventStore({ file: join(dir, 'settlement.db') });
  try {
    const meta = { correlationId: 'bench', causationId: 'bench' };
    const at = '2026-11-01T00:00:00.000Z';
    const clearing = Array.from({ length: LEDGER_MEMBERS }, (_, i): Account => ({
      code: accountCode(`1-160.${String(i + 1).padStart(4, '0')}`),
      name: `Kliring KSP-${i}`,
      gloss: `Inter-coop clearing with member coop KSP-${i}`,
      type: 'asset',
      contra: false,
      parent: accountCode('1-100'),
      postable: true,
      balanceRule: { kind: 'none' },
      clearing: { counterparty: toCoopId(`KSP-${i}`) },
    }));
    const fill = new LedgerHost(store);
    const chart: LedgerCommand = {
      type: 'ConfigureChart',
      coopId: toCoopId(PARENT),
      changes: { upsert: clearing },
      configuredAt: at,
    };
    await fill.execute(PARENT, () => [chart], meta);
    const kas = accountCode('1-110');
    for (let start = 0; start < LEDGER_POSTINGS; start += LEDGER_POSTINGS_PER_CALL) {
      const commands = Array.from({ length: LEDGER_POSTINGS_PER_CALL }, (_, k): LedgerCommand => {
        const n = start + k;
        const amount = money(BigInt(1_000 + (n % 997)), 'IDR');
        return {
          type: 'PostEntry',
          entry: {
            entryId: entryId(`bench-${n}`),
            coopId: toCoopId(PARENT),
            businessDate: '2026-11-02',
            recordedAt: at,
            description: `transfer ${n}`,
            lines: [debit(kas, amount), credit(clearing[n % LEDGER_MEMBERS]!.code, amount)],
            source: { eventId: `bench-source-${n}`, type: 'Bench' },
          },
        };
      });
      await fill.execute(PARENT, () => commands, meta);
    }
    const t0 = performance.now();
    const state = await new LedgerHost(store).state(PARENT);
    const seconds = (performance.now() - t0) / 1000;
    if (state.posted.size !== LEDGER_POSTINGS || state.balances.size !== LEDGER_MEMBERS + 1)
      throw new Error(
        `the parent's ledger folded to ${state.posted.size} postings on ${state.balances.size} accounts`,
      );
    return {
      name: `ledger restart: fold a parent's ${LEDGER_POSTINGS.toLocaleString('en')} postings on ${LEDGER_MEMBERS.toLocaleString('en')} clearing accounts`,
      restoreSeconds: round(seconds, 2),
      restoreEventsPerSecond: Math.round(LEDGER_POSTINGS / seconds),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Throughput {
  transfersPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** The books afterwards: how fast the journal poster posted the transfers just made. */
  booksTransfersPerSecond: number;
  /**
   * Transfers per second of the server process's CPU time while measuring: what the service
   * does per core, however busy the rest of the machine is.
   */
  transfersPerCpuSecond: number;
}

/** Clients in a process of their own each send one request and wait for its answer (closed loop). */
async function measureHttp(kind: 'single' | 'group'): Promise<Throughput> {
  const s = await service();
  const access = new SqliteEventStore({ file: join(s.dir, 'access.db') });
  const keys = await ApiKeyRegistry.open(access);
  const token = (await keys.create({ role: 'admin', coopId: PARENT, createdBy: 'bench' })).token;
  const app = createServiceApp(s.settlement.instance.definition, {
    authenticate: keys.authenticate,
    coopDirectory: new InMemoryCoopDirectory(COOPS.map((c) => [c, PARENT] as const)),
    store: s.store,
    logger: createLogger({ level: 'silent' }),
    rateLimiter: new TokenBucketLimiter({ ratePerSecond: 1_000_000, burst: 1_000_000 }),
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const perRequest = kind === 'single' ? 1 : GROUP_SIZE;
  try {
    const args: SettlementLoadArgs = { token };
    const outcome = await closedLoopInChild({
      port: (server.address() as AddressInfo).port,
      clients: kind === 'single' ? SINGLE_CLIENTS : GROUP_CLIENTS,
      warmupMs: WARMUP_MS,
      measureMs: MEASURE_MS,
      workload: {
        module: join(__dirname, 'settlement-load.ts'),
        exportName: kind === 'single' ? 'singleTransfer' : 'transferGroup',
        args,
      },
    });
    const created = outcome.statuses[201] ?? 0;
    if (created === 0)
      throw new Error(`no ${kind} transfer was created: ${JSON.stringify(outcome.statuses)}`);
    const transfers = created * perRequest;
    const seconds = MEASURE_MS / 1000;
    const total = transfers * ((MEASURE_MS + WARMUP_MS) / MEASURE_MS);
    const t1 = performance.now();
    await s.settlement.instance.start?.();
    // The first postings open every coop's books (the default chart) as well: allow for that.
    await s.settlement.journalFeed.catchUp(300_000);
    const booksSeconds = (performance.now() - t1) / 1000;
    return {
      transfersPerSecond: transfers / seconds,
      requestsPerSecond: outcome.perSecond,
      p50Ms: outcome.p50Ms,
      p99Ms: outcome.p99Ms,
      failures: failuresOf(outcome, 201),
      booksTransfersPerSecond: total / booksSeconds,
      transfersPerCpuSecond: transfers / (outcome.serverCpuMs / 1_000),
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await keys.close();
    await access.close();
    await s.close();
  }
}

export const settlementBenchmark: Benchmark = {
  name: 'settlement',
  description:
    'Closing a batch of 1,000 vs 1,000,000 transfers; inter-coop transfers per second through HTTP, single and in atomic groups of 100',
  async run() {
    const closes = await measureCloses();
    const restore = await measureRestore();
    const ledgerRestore = await measureLedgerRestore();
    const single = await measureHttp('single');
    const groups = await measureHttp('group');
    const row = (name: string, t: Throughput): BenchCase => ({
      name,
      transfersPerSecond: Math.round(t.transfersPerSecond),
      requestsPerSecond: Math.round(t.requestsPerSecond),
      p50Ms: round(t.p50Ms, 3),
      p99Ms: round(t.p99Ms, 3),
      failures: t.failures,
      booksTransfersPerSecond: Math.round(t.booksTransfersPerSecond),
      transfersPerCpuSecond: Math.round(t.transfersPerCpuSecond),
    });
    return {
      cases: [
        ...closes.cases,
        restore,
        ledgerRestore,
        row(`POST /transfers, ${SINGLE_CLIENTS} clients`, single),
        row(`POST /transfer-groups of ${GROUP_SIZE}, ${GROUP_CLIENTS} clients`, groups),
      ],
      targets: [
        atMost('close time, batch of 1,000,000 ÷ batch of 1,000', closes.ratio, 2),
        atLeast('single transfers through HTTP per second', single.transfersPerSecond, 2_000),
        atLeast(
          'transfers in atomic groups of 100 through HTTP per second',
          groups.transfersPerSecond,
          10_000,
        ),
        atMost('failed requests, warm-up included', single.failures + groups.failures, 0),
      ],
      notes: [
        `close times are medians of ${CLOSES_PER_SIZE} batches of each size, filled by folding posted transfers into the engine's state (the fold every durable transfer and every restart goes through); the close runs as in production and appends to the SQLite store`,
        "HTTP: the whole service over a SQLite file store (WAL, synchronous FULL) in this process; the clients are closed loops over keep-alive connections in a process of their own, so they do not share the server's event loop. The journal poster (books) is a consumer of the log and runs after the measurement: booksTransfersPerSecond is how fast it then posted the transfers into three ledgers each",
        "transfersPerCpuSecond divides the transfers by the CPU time the server's process used while measuring (the clients' process not counted): on a machine shared with other work, wall-clock rates understate the service and this figure does not",
      ],
    };
  },
};
