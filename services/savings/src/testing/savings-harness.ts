import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Express } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { InProcessBus } from '@kopfed/bus';
import { catalog } from '@kopfed/contracts';
import { SqliteEventStore, type EventStore } from '@kopfed/eventstore';
import { ServiceHost } from '@kopfed/host';
import {
  ApiKeyRegistry,
  createLogger,
  createServiceApp,
  InMemoryCoopDirectory,
  TokenBucketLimiter,
  type Role,
} from '@kopfed/service-kit';
import { savingsModule, type SavingsInstance } from '../module';

/** The federation of the savings tests: primary coops A and B under secondary P. */
export const COOPS = { A: 'ksp-a', B: 'ksp-b', P: 'puskop-p' } as const;

export interface SavingsHarness {
  app: Express;
  store: SqliteEventStore;
  bus: InProcessBus;
  savings: SavingsInstance;
  /** Every message the service published on its topic, in order (empty with `keepPublished: false`). */
  published: { key: string; value: string }[];
  keys: Record<'coopA' | 'coopA2' | 'coopB' | 'treasurerP' | 'auditorP' | 'admin', string>;
  /** Moves the clock the service sees. */
  setNow(instant: string): void;
  now(): Date;
  member(
    event:
      'MemberJoined' | 'MemberLeft' | 'ExternalIdAttached' | 'CoopRegistered' | 'CoopStatusChanged',
    data: object,
  ): Promise<void>;
  joinPerson(coopId: string, memberId: string, externalId?: string | null): Promise<void>;
  close(): Promise<void>;
}

/**
 * The savings service hosted as the node hosts it — a real SQLite store, the in-process bus,
 * consumers before relays — and fed the member service's contract events, not its code.
 */
export async function savingsHarness(
  options: {
    start?: string;
    file?: boolean;
    realClock?: boolean;
    pollIntervalMs?: number;
    /**
     * False for benchmarks: messages are still delivered to the harness's group, as in a test,
     * but not kept, because a node keeps none and a run publishes tens of thousands.
     */
    keepPublished?: boolean;
    /** Leave the data directory behind at close, for a test that opens its files again. */
    keepDataDir?: boolean;
    /**
     * Another instance of the service over this store (which its owner closes), as several
     * instances share one KurrentDB: the service is handed the store as any store but its own
     * SQLite one (`sharedStore`), and keeps its read models in a database of its own.
     */
    alongside?: SqliteEventStore;
  } = {},
): Promise<SavingsHarness> {
  let now = new Date(options.start ?? '2026-03-10T03:00:00.000Z');
  const clock = options.realClock ? () => new Date() : () => now;
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-savings-'));
  const store =
    options.alongside ??
    new SqliteEventStore({
      file: options.file ? join(dataDir, 'savings.db') : ':memory:',
      pollIntervalMs: options.pollIntervalMs ?? 10,
      clock,
    });
  const readModels = options.alongside ? new Database(':memory:') : store.database;
  const access = new SqliteEventStore({ file: ':memory:' });
  const registry = await ApiKeyRegistry.open(access);
  const directory = new InMemoryCoopDirectory([
    [COOPS.A, COOPS.P],
    [COOPS.B, COOPS.P],
  ]);
  const bus = new InProcessBus();
  const logger = createLogger({ level: 'silent' });
  const hostDb = new Database(':memory:');
  const published: { key: string; value: string }[] = [];
  await bus.subscribe({
    topic: catalog.topicOf('savings'),
    group: 'harness.published',
    handler: (message) => {
      if (options.keepPublished !== false)
        published.push({ key: message.key, value: message.value });
    },
  });
  const host = await ServiceHost.start({
    name: 'savings-test',
    modules: [savingsModule],
    store: () => (options.alongside ? sharedStore(store) : store),
    readModels: () => readModels,
    hostDatabase: hostDb,
    bus,
    coopDirectory: directory,
    logger,
    clock,
    dataDir,
    env: {},
  });
  const savings = host.services[0]!.instance as SavingsInstance;
  const app = createServiceApp(savings.definition, {
    authenticate: registry.authenticate,
    coopDirectory: directory,
    store,
    logger,
    rateLimiter: new TokenBucketLimiter({ ratePerSecond: 1_000_000, burst: 1_000_000 }),
  });
  const key = async (role: Role, coopId: string) =>
    (await registry.create({ role, coopId, createdBy: 'harness' })).token;
  const keys = {
    coopA: await key('coop', COOPS.A),
    coopA2: await key('coop', COOPS.A),
    coopB: await key('coop', COOPS.B),
    treasurerP: await key('treasurer', COOPS.P),
    auditorP: await key('auditor', COOPS.P),
    admin: await key('admin', COOPS.P),
  };
  const member: SavingsHarness['member'] = async (name, data) => {
    const envelope = catalog.toEnvelope(name, {
      id: uuidv7(),
      subject:
        'memberId' in data ? String(data.memberId) : String((data as { coopId: string }).coopId),
      time: now.toISOString(),
      businessDate: now.toISOString().slice(0, 10),
      data: data as never,
    });
    await bus.publish(catalog.topicOf('member'), [
      { key: envelope.subject, value: JSON.stringify(envelope) },
    ]);
  };
  const register = async (coopId: string, kind: string, parentCoopId: string | null) => {
    await member('CoopRegistered', {
      coopId,
      kind,
      name: `Koperasi ${coopId}`,
      legalEntityNumber: `AHU-${coopId}`,
      nikKoperasi: null,
      province: '32',
      parentCoopId,
      registeredOn: '2026-01-02',
    });
    await member('CoopStatusChanged', {
      coopId,
      from: 'applied',
      to: 'active',
      reason: 'approved',
      effectiveOn: '2026-01-03',
    });
  };
  await register(COOPS.P, 'secondary', null);
  await register(COOPS.A, 'primary', COOPS.P);
  await register(COOPS.B, 'primary', COOPS.P);
  return {
    app,
    store,
    bus,
    savings,
    published,
    keys,
    setNow: (instant) => void (now = new Date(instant)),
    now: clock,
    member,
    joinPerson: (coopId, memberId, externalId = null) =>
      member('MemberJoined', {
        coopId,
        memberId,
        memberNumber: memberId.slice(0, 32),
        joinedOn: '2026-02-01',
        memberKind: 'person',
        externalId,
      }),
    async close() {
      await host.stop();
      await bus.close();
      await registry.close();
      if (options.alongside) readModels.close();
      else await store.close();
      await access.close();
      hostDb.close();
      // The accounts file (and the store, with `file`) lived here: a benchmark's is 70 MB.
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The store as an instance sees one that other instances write too: not as its own SQLite file. */
function sharedStore(store: EventStore): EventStore {
  return {
    append: (...args) => store.append(...args),
    readStream: (...args) => store.readStream(...args),
    readAll: (...args) => store.readAll(...args),
    headPosition: () => store.headPosition(),
    streamRevision: (stream) => store.streamRevision(stream),
    subscribe: (subscription) => store.subscribe(subscription),
    readBatches: (...args) => store.readBatches(...args),
    checkpoints: store.checkpoints,
    leases: store.leases,
    // Its owner closes it.
    close: async () => undefined,
  };
}

export const idr = (amount: bigint | number) => ({ amount: String(amount), currency: 'IDR' });

/** The products most tests use, defined for a coop through the API. */
export const PRODUCTS = {
  POKOK: {
    code: 'POKOK',
    name: 'Simpanan Pokok',
    kind: 'pokok',
    terms: { effectiveFrom: '2026-01-01', pokokAmount: idr(100_000) },
  },
  WAJIB: {
    code: 'WAJIB',
    name: 'Simpanan Wajib',
    kind: 'wajib',
    securesLoans: true,
    terms: { effectiveFrom: '2026-01-01', wajibMonthlyAmount: idr(50_000) },
  },
  SUKARELA: {
    code: 'SUKARELA',
    name: 'Simpanan Sukarela',
    kind: 'sukarela',
    interest: { basis: 'daily_balance', posting: 'monthly' },
    terms: { effectiveFrom: '2026-01-01', rateBasisPoints: 365, minimumBalance: idr(10_000) },
  },
  BERJANGKA_3: {
    code: 'BERJANGKA_3',
    name: 'Simpanan Berjangka 3 bulan',
    kind: 'berjangka',
    securesLoans: true,
    termMonths: 3,
    interest: { basis: 'daily_balance', posting: 'monthly' },
    terms: {
      effectiveFrom: '2026-01-01',
      rateBasisPoints: 730,
      earlyWithdrawalPenaltyBasisPoints: 100,
      minimumPlacement: idr(1_000_000),
    },
  },
} as const;
