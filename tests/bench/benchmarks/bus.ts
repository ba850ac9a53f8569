import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { InProcessBus } from '@kopfed/bus';
import { applyPragmas, SqliteEventStore, type NewEvent } from '@kopfed/eventstore';
import { Relay, SqliteInbox } from '@kopfed/messaging';
import { atLeast, atMost, percentile, round, type Benchmark } from '../report';

const THROUGHPUT_EVENTS = 50_000;
const OFFERED_PER_SECOND = 2_000;
const OFFERED_SECONDS = 5;
const ACCOUNTS = 10_000;
const WRITERS = 256;

interface Pipeline {
  store: SqliteEventStore;
  effects: () => number;
  latencies: number[];
  close(): Promise<void>;
}

/**
 * The embedded path of BRIEF §3: append → store (the outbox) → relay → in-process bus →
 * consumer applying the effect through its inbox in its own SQLite file (synchronous FULL).
 */
async function pipeline(startRelay = true): Promise<Pipeline & { startRelay(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-bus-'));
  const store = new SqliteEventStore({ file: join(dir, 'savings.db') });
  const readModel = new Database(join(dir, 'books.db'));
  applyPragmas(readModel, 5_000);
  readModel.exec(
    'CREATE TABLE balances (account TEXT PRIMARY KEY, total INTEGER NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID',
  );
  const upsert = readModel.prepare(
    `INSERT INTO balances (account, total, count) VALUES (?, ?, 1)
     ON CONFLICT (account) DO UPDATE SET total = total + excluded.total, count = count + 1`,
  );
  const inbox = new SqliteInbox(readModel, 'books');
  const bus = new InProcessBus();
  const latencies: number[] = [];
  let effects = 0;
  await bus.subscribe({
    topic: 'kopfed.savings.events',
    group: 'books',
    maxKeysInFlight: 256,
    handler: async (message) => {
      const { id, account, amount, sentAt } = JSON.parse(message.value) as {
        id: string;
        account: string;
        amount: number;
        sentAt: number;
      };
      await inbox.apply(id, () => void upsert.run(account, amount));
      effects++;
      latencies.push(performance.now() - sentAt);
    },
  });
  const relay = new Relay({
    name: 'relay:savings',
    store,
    bus,
    topic: 'kopfed.savings.events',
    encode: (event) => ({
      key: event.stream,
      value: JSON.stringify({ id: event.id, account: event.stream, ...(event.data as object) }),
      headers: { 'ce-id': event.id },
    }),
  });
  if (startRelay) relay.start();
  return {
    startRelay: () => relay.start(),
    store,
    effects: () => effects,
    latencies,
    async close() {
      await relay.stop();
      await bus.close();
      await store.close();
      readModel.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const deposit = (n: number): NewEvent => ({
  id: uuidv7(),
  type: 'SavingsDeposited',
  schemaVersion: 1,
  data: { amount: 10_000 + (n % 100), sentAt: performance.now() },
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('pipeline did not drain in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function appendCommands(store: SqliteEventStore, count: number): Promise<void> {
  let next = 0;
  // Commands as the HTTP edge issues them: one event per append, many accounts, many at once.
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < count) {
        const n = next++;
        await store.append(`account-${n % ACCOUNTS}`, [deposit(n)], { expectedRevision: 'any' });
      }
    }),
  );
}

/** Relay + bus + consumer moving a backlog: events already appended → effects applied. */
async function drain(): Promise<{ eventsPerSecond: number; seconds: number }> {
  const p = await pipeline(false);
  await appendCommands(p.store, THROUGHPUT_EVENTS);
  const started = performance.now();
  p.startRelay();
  await waitFor(() => p.effects() >= THROUGHPUT_EVENTS, 120_000);
  const seconds = (performance.now() - started) / 1000;
  await p.close();
  return { eventsPerSecond: THROUGHPUT_EVENTS / seconds, seconds };
}

/** The same while the commands are still being appended, on the same thread. */
async function endToEnd(): Promise<{ eventsPerSecond: number; seconds: number }> {
  const p = await pipeline();
  const started = performance.now();
  await appendCommands(p.store, THROUGHPUT_EVENTS);
  await waitFor(() => p.effects() >= THROUGHPUT_EVENTS, 120_000);
  const seconds = (performance.now() - started) / 1000;
  await p.close();
  return { eventsPerSecond: THROUGHPUT_EVENTS / seconds, seconds };
}

/** One single-event append (a command) every 1/rate seconds, paced in 10 ms ticks. */
async function latencyAtOfferedLoad(): Promise<{
  p50: number;
  p99: number;
  max: number;
  delivered: number;
}> {
  const p = await pipeline();
  const total = OFFERED_PER_SECOND * OFFERED_SECONDS;
  const perTick = OFFERED_PER_SECOND / 100;
  const appends: Promise<unknown>[] = [];
  const started = performance.now();
  for (let tick = 0, n = 0; n < total; tick++) {
    const due = started + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let i = 0; i < perTick; i++, n++) {
      appends.push(
        p.store.append(`account-${n % ACCOUNTS}`, [deposit(n)], { expectedRevision: 'any' }),
      );
    }
  }
  await Promise.all(appends);
  await waitFor(() => p.effects() >= total, 60_000);
  const result = {
    p50: percentile(p.latencies, 50),
    p99: percentile(p.latencies, 99),
    max: Math.max(...p.latencies),
    delivered: p.effects(),
  };
  await p.close();
  return result;
}

export const busBenchmark: Benchmark = {
  name: 'bus',
  description:
    'embedded relay + in-process bus + inbox consumer: append-to-effect throughput and latency at 2,000 events/s',
  async run() {
    const d = await drain();
    const e = await endToEnd();
    const l = await latencyAtOfferedLoad();
    return {
      cases: [
        {
          name: `relay → bus → consumer effect, backlog of ${THROUGHPUT_EVENTS.toLocaleString('en')}`,
          eventsPerSecond: Math.round(d.eventsPerSecond),
          seconds: round(d.seconds, 2),
        },
        {
          name: `append → effect, ${THROUGHPUT_EVENTS.toLocaleString('en')} commands by ${WRITERS} writers`,
          eventsPerSecond: Math.round(e.eventsPerSecond),
          seconds: round(e.seconds, 2),
        },
        {
          name: `latency at ${OFFERED_PER_SECOND.toLocaleString('en')} events/s offered for ${OFFERED_SECONDS} s`,
          p50Ms: round(l.p50, 2),
          p99Ms: round(l.p99, 2),
          maxMs: round(l.max, 2),
          delivered: l.delivered,
        },
      ],
      targets: [
        atLeast('relay + bus throughput to consumer effect, events/s', d.eventsPerSecond, 20_000),
        atMost('append → effect p99 at 2,000 events/s offered, ms', l.p99, 50),
      ],
      notes: [
        'the consumer applies each event through its inbox in its own SQLite file (WAL, synchronous FULL), group-committing the effects that arrive together',
        'every append is one event (a command); "append → effect" runs the appends and the pipeline on the same thread, so it shows the whole embedded node\'s share of one core',
      ],
    };
  },
};
