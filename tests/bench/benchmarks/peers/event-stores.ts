import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type NewEvent } from '@kopfed/eventstore';
import { emmettConnection, type EmmettEvent, type EmmettSqlite } from './emmett';
import { medianOf, timed, type Timed } from './timing';

/** Sequential one-event appends spread round-robin over this many streams. */
const APPEND_STREAMS = 1_000;
const APPENDS = Number(process.env.BENCH_PEERS_APPENDS ?? 3_000);
/**
 * Emmett's connection runs one transaction at a time (its nesting counter is shared by every
 * caller), so only kopfed is also measured with concurrent writers, for information.
 */
const CONCURRENT_WRITERS = 16;
/** Streams read back to rebuild their state, each written as one append of this many events. */
const READ_STREAMS = 1_000;
const EVENTS_PER_READ_STREAM = 100;
const READ_ALL_PAGE = 1_000;
const ROUNDS = 3;

interface Deposit {
  accountId: string;
  amount: { amount: string; currency: string };
  channel: string;
  memo: string;
}

function deposit(n: number): Deposit {
  return {
    accountId: `acc-${n % 5_000}`,
    amount: { amount: String(10_000 + (n % 997)), currency: 'IDR' },
    channel: 'teller',
    memo: 'setoran',
  };
}

const metadata = () => ({ correlationId: randomUUID(), coopId: 'coop-bench' });

const kopfedEvent = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'SavingsDeposited',
  schemaVersion: 1,
  data: deposit(n),
  metadata: metadata(),
});

const emmettEvent = (n: number): EmmettEvent => ({
  type: 'SavingsDeposited',
  data: { ...deposit(n) },
  metadata: metadata(),
});

/** The state a command handler rebuilds: the account's balance and how many deposits made it. */
interface Balance {
  minor: bigint;
  deposits: number;
}
const evolve = (state: Balance, data: unknown): Balance => ({
  minor: state.minor + BigInt((data as Deposit).amount.amount),
  deposits: state.deposits + 1,
});

function tempFile(name: string): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `kopfed-bench-peers-${name}-`));
  return {
    file: join(dir, `${name}.db`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `writers` concurrent writers share the appends; more than one lets the store group-commit. */
async function kopfedAppends(writers: number): Promise<Timed> {
  const tmp = tempFile('kopfed');
  const store = new SqliteEventStore({ file: tmp.file });
  try {
    let next = 0;
    return await timed(APPENDS, async () => {
      await Promise.all(
        Array.from({ length: writers }, async () => {
          for (let k = next++; k < APPENDS; k = next++)
            await store.append(`account-${k % APPEND_STREAMS}`, [kopfedEvent(k)], {
              expectedRevision: 'any',
            });
        }),
      );
    });
  } finally {
    await store.close();
    tmp.remove();
  }
}

async function emmettAppends(emmett: EmmettSqlite): Promise<Timed> {
  const tmp = tempFile('emmett');
  const { connection } = await emmettConnection(emmett, tmp.file);
  try {
    return await timed(APPENDS, async () => {
      for (let k = 0; k < APPENDS; k++) {
        const result = await emmett.appendToStream(
          connection,
          `account-${k % APPEND_STREAMS}`,
          'account',
          [emmettEvent(k)],
        );
        if (!result.success) throw new Error(`emmett refused append ${k}`);
      }
    });
  } finally {
    connection.close();
    tmp.remove();
  }
}

/** Emmett's event store object as its docs show it: it opens and closes a connection per call. */
async function emmettStoreApiAppends(emmett: EmmettSqlite, appends: number): Promise<Timed> {
  const tmp = tempFile('emmett-store');
  const store = emmett.getSQLiteEventStore({ fileName: tmp.file });
  try {
    return await timed(appends, async () => {
      for (let k = 0; k < appends; k++)
        await store.appendToStream(`account-${k % APPEND_STREAMS}`, [emmettEvent(k)]);
    });
  } finally {
    tmp.remove();
  }
}

/**
 * Emmett 0.38.5's store object sometimes fails an append on a loaded machine with SQLITE_BUSY
 * "cannot commit transaction - SQL statements in progress" (its own connection per call; seen
 * in one run of three at load average 6, and in every attempt of one run on 2026-12-01 with
 * tsc and Jest beside it). The row is for information, so a failed round is run again on a
 * fresh file, up to STORE_API_ATTEMPTS times, and the attempts are reported; if every one
 * fails, the row says so and the benchmark goes on without it.
 */
const STORE_API_ATTEMPTS = 5;

async function emmettStoreApiWithRetries(
  emmett: EmmettSqlite,
  appends: number,
): Promise<{ timing: Timed | undefined; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { timing: await emmettStoreApiAppends(emmett, appends), attempts: attempt };
    } catch (error) {
      if (!String(error).includes('SQLITE_BUSY')) throw error;
      if (attempt >= STORE_API_ATTEMPTS) return { timing: undefined, attempts: attempt };
    }
  }
}

interface ReadSide {
  readStreams(order: readonly number[]): Promise<Balance>;
  readAll(): Promise<number>;
}

const streamOrder = Array.from({ length: READ_STREAMS }, (_, i) => (i * 7_919) % READ_STREAMS);

async function kopfedReads(file: string): Promise<{ side: ReadSide; close(): Promise<void> }> {
  const store = new SqliteEventStore({ file });
  for (let s = 0; s < READ_STREAMS; s++) {
    const events = Array.from({ length: EVENTS_PER_READ_STREAM }, (_, i) =>
      kopfedEvent(s * EVENTS_PER_READ_STREAM + i),
    );
    await store.append(`account-${s}`, events, { expectedRevision: 'no_stream' });
  }
  const side: ReadSide = {
    async readStreams(order) {
      let total: Balance = { minor: 0n, deposits: 0 };
      for (const s of order) {
        let state: Balance = { minor: 0n, deposits: 0 };
        for (const e of await store.readStream(`account-${s}`)) state = evolve(state, e.data);
        total = { minor: total.minor + state.minor, deposits: total.deposits + state.deposits };
      }
      return total;
    },
    async readAll() {
      let count = 0;
      for (let after = 0; ;) {
        const page = await store.readAll({ after, maxCount: READ_ALL_PAGE });
        if (page.length === 0) return count;
        count += page.length;
        after = page[page.length - 1]!.position;
      }
    },
  };
  return { side, close: () => store.close() };
}

async function emmettReads(
  emmett: EmmettSqlite,
  file: string,
): Promise<{ side: ReadSide; close(): Promise<void> }> {
  const { connection } = await emmettConnection(emmett, file);
  for (let s = 0; s < READ_STREAMS; s++) {
    const events = Array.from({ length: EVENTS_PER_READ_STREAM }, (_, i) =>
      emmettEvent(s * EVENTS_PER_READ_STREAM + i),
    );
    await emmett.appendToStream(connection, `account-${s}`, 'account', events);
  }
  const side: ReadSide = {
    async readStreams(order) {
      let total: Balance = { minor: 0n, deposits: 0 };
      for (const s of order) {
        let state: Balance = { minor: 0n, deposits: 0 };
        const { events } = await emmett.readStream(connection, `account-${s}`);
        for (const e of events) state = evolve(state, e.data);
        total = { minor: total.minor + state.minor, deposits: total.deposits + state.deposits };
      }
      return total;
    },
    async readAll() {
      let count = 0;
      for (let after = 0n; ;) {
        const page = await emmett.readMessagesBatch(connection, {
          after,
          batchSize: READ_ALL_PAGE,
        });
        if (page.messages.length === 0) return count;
        count += page.messages.length;
        after = page.currentGlobalPosition;
      }
    },
  };
  return { side, close: async () => connection.close() };
}

export interface EventStoreComparison {
  appends: {
    kopfed: Timed;
    emmett: Timed;
    /** Undefined when every attempt failed with SQLITE_BUSY (see emmettStoreApiWithRetries). */
    emmettStoreApi: Timed | undefined;
    kopfedConcurrent: Timed;
  };
  streamReads: { kopfed: Timed; emmett: Timed };
  readAll: { kopfed: Timed; emmett: Timed };
  config: {
    appends: number;
    streams: number;
    concurrentWriters: number;
    emmettStoreApiAppends: number;
    /** Rounds of the store object's appends run to get one without SQLITE_BUSY (all failed if its timing is undefined). */
    emmettStoreApiAttempts: number;
    eventsRead: number;
    rounds: number;
  };
  emmettPragmas: { journalMode: string; synchronous: number };
}

/** Each case runs ROUNDS times, kopfed and emmett interleaved; the median round is kept. */
export async function compareEventStores(emmett: EmmettSqlite): Promise<EventStoreComparison> {
  const appendRounds: { kopfed: Timed; emmett: Timed; kopfedConcurrent: Timed }[] = [];
  for (let r = 0; r < ROUNDS; r++)
    appendRounds.push({
      kopfed: await kopfedAppends(1),
      emmett: await emmettAppends(emmett),
      kopfedConcurrent: await kopfedAppends(CONCURRENT_WRITERS),
    });
  // Slow (a connection opened and closed per call, with a WAL checkpoint at each close): once, a third of the appends.
  const storeApiAppends = Math.ceil(APPENDS / 3);
  const storeApi = await emmettStoreApiWithRetries(emmett, storeApiAppends);
  const emmettStoreApi = storeApi.timing;

  const kTmp = tempFile('kopfed-read');
  const eTmp = tempFile('emmett-read');
  const kopfed = await kopfedReads(kTmp.file);
  const other = await emmettReads(emmett, eTmp.file);
  const probe = await emmettConnection(emmett, eTmp.file);
  probe.connection.close();
  const eventsRead = READ_STREAMS * EVENTS_PER_READ_STREAM;
  try {
    const streamRounds: { kopfed: Timed; emmett: Timed }[] = [];
    const allRounds: { kopfed: Timed; emmett: Timed }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const balances: Balance[] = [];
      const readStreamsOf = (side: ReadSide) =>
        timed(eventsRead, async () => void balances.push(await side.readStreams(streamOrder)));
      streamRounds.push({
        kopfed: await readStreamsOf(kopfed.side),
        emmett: await readStreamsOf(other.side),
      });
      const [a, b] = balances;
      if (a!.minor !== b!.minor || a!.deposits !== eventsRead || b!.deposits !== eventsRead)
        throw new Error(
          `the stores rebuilt different states: ${String(a?.minor)} ≠ ${String(b?.minor)}`,
        );
      const counts: number[] = [];
      const readAllOf = (side: ReadSide) =>
        timed(eventsRead, async () => void counts.push(await side.readAll()));
      allRounds.push({ kopfed: await readAllOf(kopfed.side), emmett: await readAllOf(other.side) });
      if (counts.some((c) => c !== eventsRead))
        throw new Error(`readAll returned ${counts.join(' and ')} events, expected ${eventsRead}`);
    }
    return {
      appends: {
        kopfed: medianOf(appendRounds.map((r) => r.kopfed)),
        emmett: medianOf(appendRounds.map((r) => r.emmett)),
        emmettStoreApi,
        kopfedConcurrent: medianOf(appendRounds.map((r) => r.kopfedConcurrent)),
      },
      streamReads: {
        kopfed: medianOf(streamRounds.map((r) => r.kopfed)),
        emmett: medianOf(streamRounds.map((r) => r.emmett)),
      },
      readAll: {
        kopfed: medianOf(allRounds.map((r) => r.kopfed)),
        emmett: medianOf(allRounds.map((r) => r.emmett)),
      },
      config: {
        appends: APPENDS,
        streams: APPEND_STREAMS,
        concurrentWriters: CONCURRENT_WRITERS,
        emmettStoreApiAppends: storeApiAppends,
        emmettStoreApiAttempts: storeApi.attempts,
        eventsRead,
        rounds: ROUNDS,
      },
      emmettPragmas: { journalMode: probe.journalMode, synchronous: probe.synchronous },
    };
  } finally {
    await kopfed.close();
    await other.close();
    kTmp.remove();
    eTmp.remove();
  }
}
