import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  AUDIT_STORE,
  AuditStore,
  openReadOnly,
  replayBooks,
  SealingLoop,
  signingKeyFromSeed,
  SqliteMerkleNodeCache,
  verifyDataDir,
} from '@kopfed/audit';
import { SqliteEventStore, type NewEvent } from '@kopfed/eventstore';
import {
  accountCode,
  coopId,
  credit,
  debit,
  DEFAULT_CHART,
  encodeLedgerEvent,
  entryId,
  type LedgerEvent,
} from '@kopfed/ledger';
import { money } from '@kopfed/money';
import { atLeast, round, type BenchCase, type Benchmark } from '../report';

/** Issue 9: verify and replay over a store of 1,000,000 events, each at ≥ 100,000 events/s. */
const EVENTS = Number(process.env.KOPFED_BENCH_AUDIT_EVENTS ?? 1_000_000);
const EVENTS_PER_APPEND = 1_000;
const COOPS = 20;
const TARGET_EVENTS_PER_SECOND = 100_000;

/**
 * A directory to keep the built store in and reuse on the next run (building and sealing a
 * million events takes minutes, the measurement seconds). Unset, each run builds its own.
 */
const KEEP_DIR = process.env.KOPFED_BENCH_AUDIT_DIR;
const BUILT_MARK = 'built.json';

const ACCOUNTS = ['1-110', '1-120', '2-110', '3-100', '4-110', '5-210'].map(accountCode);

function stored(event: LedgerEvent, recordedAt: string): NewEvent {
  const { type, data } = encodeLedgerEvent(event);
  return { id: uuidv7(), type, schemaVersion: 1, data, recordedAt };
}

function posting(coop: string, n: number): NewEvent {
  const day = 1 + (n % 28);
  const businessDate = `2026-${String(1 + (n % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const amount = money(BigInt(10_000 + (n % 977) * 13));
  const recordedAt = `${businessDate}T03:00:00.000Z`;
  return stored(
    {
      type: 'EntryPosted',
      data: {
        entry: {
          entryId: entryId(`e${n}`),
          coopId: coopId(coop),
          businessDate,
          recordedAt,
          description: 'setoran simpanan sukarela',
          lines: [debit(ACCOUNTS[n % 2]!, amount), credit(ACCOUNTS[2 + (n % 4)]!, amount)],
          source: { eventId: `src-${n}`, type: 'SavingsDeposited' },
        },
      },
    },
    recordedAt,
  );
}

/** A settlement store of EVENTS ledger events over COOPS coops' streams, sealed once. */
async function buildStore(dataDir: string): Promise<number> {
  const store = new SqliteEventStore({ file: join(dataDir, 'settlement.db') });
  const audit = new SqliteEventStore({ file: join(dataDir, `${AUDIT_STORE}.db`) });
  for (let c = 0; c < COOPS; c++) {
    const coop = `KSP-${c}`;
    await store.append(
      `ledger-${coop}`,
      [
        stored(
          {
            type: 'ChartConfigured',
            data: {
              coopId: coopId(coop),
              accounts: [...DEFAULT_CHART.accounts.values()],
              roles: DEFAULT_CHART.roles,
              configuredAt: '2026-01-01T00:00:00.000Z',
            },
          },
          '2026-01-01T00:00:00.000Z',
        ),
      ],
      { expectedRevision: 'no_stream' },
    );
  }
  for (let n = COOPS; n < EVENTS; n += EVENTS_PER_APPEND) {
    const count = Math.min(EVENTS_PER_APPEND, EVENTS - n);
    const coop = `KSP-${((n / EVENTS_PER_APPEND) % COOPS) | 0}`;
    await store.append(
      `ledger-${coop}`,
      Array.from({ length: count }, (_, i) => posting(coop, n + i)),
      { expectedRevision: 'any' },
    );
  }
  const loop = new SealingLoop({
    stores: new Map([
      ['settlement', store],
      [AUDIT_STORE, audit],
    ]),
    audit: new AuditStore(audit),
    key: signingKeyFromSeed(Buffer.alloc(32, 9)),
    nodeCache: new SqliteMerkleNodeCache(audit.database),
  });
  const started = performance.now();
  await loop.sealAll();
  const sealMs = performance.now() - started;
  await loop.stop();
  await store.close();
  await audit.close();
  return sealMs;
}

interface Built {
  events: number;
  sealMs: number;
  buildSeconds: number;
}

/** The store in dataDir: built now, or kept from an earlier run of the same size. */
async function builtStore(dataDir: string): Promise<Built & { reused: boolean }> {
  const mark = join(dataDir, BUILT_MARK);
  if (existsSync(mark)) {
    const built = JSON.parse(readFileSync(mark, 'utf8')) as Built;
    if (built.events === EVENTS) return { ...built, reused: true };
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  const sealMs = await buildStore(dataDir);
  const built: Built = {
    events: EVENTS,
    sealMs,
    buildSeconds: (performance.now() - started) / 1000,
  };
  if (KEEP_DIR !== undefined) writeFileSync(mark, JSON.stringify(built));
  return { ...built, reused: false };
}

const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;

/** Peak resident memory seen at the progress callbacks of a phase, in MB. */
class PeakMemory {
  private peak = 0;
  sample = (): void => {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  };
  get mb(): number {
    return round(this.peak / 2 ** 20, 1);
  }
}

export const auditBenchmark: Benchmark = {
  name: 'audit',
  description: `verify and replay speed over a store of ${EVENTS.toLocaleString('en')} events, and peak memory`,
  async run() {
    const dataDir = KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'kopfed-bench-audit-'));
    try {
      const { sealMs, buildSeconds, reused } = await builtStore(dataDir);
      const sizeMb = statSync(join(dataDir, 'settlement.db')).size / 2 ** 20;
      global.gc?.();

      const load = loadavg().map((l) => round(l, 2));
      const verifyMemory = new PeakMemory();
      let cpu = process.cpuUsage();
      let started = performance.now();
      const verified = await verifyDataDir(dataDir, { onProgress: verifyMemory.sample });
      const verifySeconds = (performance.now() - started) / 1000;
      const verifyCpuSeconds = cpuSeconds(process.cpuUsage(cpu));
      verifyMemory.sample();
      const settlement = verified.stores.find((s) => s.store === 'settlement')!;
      if (!verified.intact || settlement.events < EVENTS)
        throw new Error('the benchmark store did not verify intact');
      global.gc?.();

      const replayMemory = new PeakMemory();
      const db = openReadOnly(join(dataDir, 'settlement.db'));
      cpu = process.cpuUsage();
      started = performance.now();
      const replay = await replayBooks(db, 'settlement', {
        asOf: { kind: 'business-date', businessDate: '2026-12-31' },
        onProgress: replayMemory.sample,
      });
      const replaySeconds = (performance.now() - started) / 1000;
      const replayCpuSeconds = cpuSeconds(process.cpuUsage(cpu));
      replayMemory.sample();
      db.close();
      if (replay.eventsRead < EVENTS || replay.coops.length !== COOPS)
        throw new Error('the replay did not read every ledger event');

      const verifyRate = settlement.events / verifySeconds;
      const replayRate = replay.eventsRead / replaySeconds;
      const cases: BenchCase[] = [
        {
          name: 'verify',
          events: settlement.events,
          seconds: round(verifySeconds, 2),
          eventsPerSecond: Math.round(verifyRate),
          cpuSeconds: round(verifyCpuSeconds, 2),
          eventsPerCpuSecond: Math.round(settlement.events / verifyCpuSeconds),
          peakRssMb: verifyMemory.mb,
        },
        {
          name: 'replay',
          events: replay.eventsRead,
          seconds: round(replaySeconds, 2),
          eventsPerSecond: Math.round(replayRate),
          cpuSeconds: round(replayCpuSeconds, 2),
          eventsPerCpuSecond: Math.round(replay.eventsRead / replayCpuSeconds),
          peakRssMb: replayMemory.mb,
        },
        {
          name: `seal (first checkpoint over the whole store${reused ? ', when the kept store was built' : ''})`,
          events: settlement.events,
          seconds: round(sealMs / 1000, 2),
          eventsPerSecond: Math.round(settlement.events / (sealMs / 1000)),
          peakRssMb: null,
        },
      ];
      return {
        cases,
        targets: [
          atLeast('verify events/s', verifyRate, TARGET_EVENTS_PER_SECOND),
          atLeast('replay events/s', replayRate, TARGET_EVENTS_PER_SECOND),
        ],
        notes: [
          'events/s is wall time, the target; events per CPU-second shows the rate on a machine not shared with other work',
          `load average (1, 5, 15 min) when verify began: ${load.join(', ')}`,
          `store: ${settlement.events.toLocaleString('en')} events, ${settlement.batches.toLocaleString('en')} batches, ${round(sizeMb, 1)} MB, built in ${round(buildSeconds, 1)} s${reused ? ` (earlier, kept in ${dataDir})` : ''}`,
          `peak RSS of the whole run: ${round(process.resourceUsage().maxRSS / 1024, 1)} MB`,
          ...(reused
            ? []
            : [
                'the peak RSS of verify and replay includes what building the store left resident: with KOPFED_BENCH_AUDIT_DIR, a second run measures them alone',
              ]),
        ],
      };
    } finally {
      if (KEEP_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
