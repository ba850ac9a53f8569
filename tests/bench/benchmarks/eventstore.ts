import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  applyPragmas,
  canonicalEventText,
  EVENTS_TABLE_DDL,
  SqliteEventStore,
  streamCategory,
  type NewEvent,
} from '@kopfed/eventstore';
import { atLeast, percentile, round, type BenchCase, type Benchmark } from '../report';

/** Each case runs ROUNDS times for ROUND_MS, interleaved with its baseline; medians are reported. */
const ROUND_MS = 1_000;
const ROUNDS = 3;
const REPLAY_EVENTS = 1_000_000;
const STREAMS_PER_WRITER = 100;

function depositEvent(n: number): NewEvent {
  return {
    // Time-ordered ids, as the command handler generates them.
    id: uuidv7(),
    type: 'SavingsDeposited',
    schemaVersion: 1,
    data: {
      accountId: `acc-${n % 5000}`,
      amount: { amount: String(10_000 + n), currency: 'IDR' },
      channel: 'teller',
      memo: 'setoran',
    },
    metadata: { correlationId: randomUUID(), coopId: 'coop-bench' },
  };
}

interface Measured {
  eventsPerSecond: number;
  appendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function measureProject(eventsPerAppend: number, writers: number): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-'));
  const store = new SqliteEventStore({ file: join(dir, 'bench.db') });
  const latencies: number[] = [];
  let appends = 0;
  const started = performance.now();
  const deadline = started + ROUND_MS;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let k = 0; performance.now() < deadline && k < 10_000_000; k++) {
        const events = Array.from({ length: eventsPerAppend }, (_, i) =>
          depositEvent(k * eventsPerAppend + i),
        );
        const t0 = performance.now();
        await store.append(`account-${writer}-${k % STREAMS_PER_WRITER}`, events, {
          expectedRevision: 'any',
        });
        latencies.push(performance.now() - t0);
        appends++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    appendsPerSecond: appends / seconds,
    eventsPerSecond: (appends * eventsPerAppend) / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** The same rows into the same table with the same pragmas, one transaction per append call. */
function measureRaw(eventsPerAppend: number): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  applyPragmas(db, 5_000);
  db.exec(EVENTS_TABLE_DDL);
  const insert = db.prepare(
    `INSERT INTO events (id, stream, revision, category, type, recorded_at, business_date, batch, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const revisions = new Map<string, number>();
  let position = 0;
  const write = db.transaction((stream: string, events: NewEvent[], batch: number) => {
    let revision = revisions.get(stream) ?? -1;
    const recordedAt = new Date().toISOString();
    const businessDate = recordedAt.slice(0, 10);
    for (const e of events) {
      revision++;
      position++;
      const body = canonicalEventText({
        position,
        id: e.id,
        stream,
        revision,
        type: e.type,
        schemaVersion: e.schemaVersion,
        dataJson: JSON.stringify(e.data),
        metadataJson: JSON.stringify(e.metadata),
        recordedAt,
        businessDate,
      });
      insert.run(
        e.id,
        stream,
        revision,
        streamCategory(stream),
        e.type,
        recordedAt,
        businessDate,
        batch,
        body,
      );
    }
    revisions.set(stream, revision);
  });
  const latencies: number[] = [];
  let appends = 0;
  const started = performance.now();
  for (let k = 0; performance.now() < started + ROUND_MS; k++) {
    const events = Array.from({ length: eventsPerAppend }, (_, i) =>
      depositEvent(k * eventsPerAppend + i),
    );
    const t0 = performance.now();
    write.immediate(`account-0-${k % STREAMS_PER_WRITER}`, events, k + 1);
    latencies.push(performance.now() - t0);
    appends++;
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    appendsPerSecond: appends / seconds,
    eventsPerSecond: (appends * eventsPerAppend) / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function measureReplay(): Promise<{
  projectPerSecond: number;
  rawPerSecond: number;
  seconds: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-replay-'));
  const file = join(dir, 'replay.db');
  const store = new SqliteEventStore({ file });
  for (let k = 0; k < REPLAY_EVENTS / 1_000; k++) {
    const events = Array.from({ length: 1_000 }, (_, i) => depositEvent(k * 1_000 + i));
    await store.append(`account-${k % 1_000}`, events, { expectedRevision: 'any' });
  }
  let count = 0;
  const started = performance.now();
  for (let after = 0; ;) {
    const page = await store.readAll({ after });
    if (page.length === 0) break;
    count += page.length;
    after = page[page.length - 1]!.position;
  }
  const seconds = (performance.now() - started) / 1000;
  if (count !== REPLAY_EVENTS)
    throw new Error(`replayed ${count} events, expected ${REPLAY_EVENTS}`);
  await store.close();

  const db = new Database(file, { readonly: true });
  const rawStarted = performance.now();
  let rawCount = 0;
  const select = db.prepare('SELECT body FROM events ORDER BY position').pluck();
  for (const body of select.iterate() as Iterable<string>) {
    JSON.parse(body);
    rawCount++;
  }
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { projectPerSecond: count / seconds, rawPerSecond: rawCount / rawSeconds, seconds };
}

/** The round with the median throughput (its latencies come with it). */
function median(rounds: Measured[]): Measured {
  return [...rounds].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond)[
    Math.floor(rounds.length / 2)
  ]!;
}

export const eventstoreBenchmark: Benchmark = {
  name: 'eventstore',
  description:
    'SQLite event store appends (1/10/100 events, 1/16 writers) against raw better-sqlite3; readAll replay of 1,000,000 events',
  async run() {
    const cases: BenchCase[] = [];
    let ratioAt100 = 0;
    let appendsAt16x1 = 0;
    for (const size of [1, 10, 100]) {
      const rounds: { raw: Measured; single: Measured; sixteen: Measured }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        rounds.push({
          raw: measureRaw(size),
          single: await measureProject(size, 1),
          sixteen: await measureProject(size, 16),
        });
      }
      const baseline = median(rounds.map((r) => r.raw));
      for (const writers of [1, 16]) {
        const project = median(rounds.map((r) => (writers === 1 ? r.single : r.sixteen)));
        const ratio = project.eventsPerSecond / baseline.eventsPerSecond;
        if (size === 100 && writers === 1) ratioAt100 = ratio;
        if (size === 1 && writers === 16) appendsAt16x1 = project.appendsPerSecond;
        cases.push({
          name: `append ${size} event${size === 1 ? '' : 's'}, ${writers} writer${writers === 1 ? '' : 's'}`,
          eventsPerSecond: Math.round(project.eventsPerSecond),
          appendsPerSecond: Math.round(project.appendsPerSecond),
          p50Ms: round(project.p50Ms, 3),
          p99Ms: round(project.p99Ms, 3),
          rawEventsPerSecond: Math.round(baseline.eventsPerSecond),
          rawP50Ms: round(baseline.p50Ms, 3),
          rawP99Ms: round(baseline.p99Ms, 3),
          ratioProjectToRaw: round(ratio, 3),
        });
      }
    }
    const replay = await measureReplay();
    cases.push({
      name: `readAll replay of ${REPLAY_EVENTS.toLocaleString('en')} events`,
      eventsPerSecond: Math.round(replay.projectPerSecond),
      rawEventsPerSecond: Math.round(replay.rawPerSecond),
      ratioProjectToRaw: round(replay.projectPerSecond / replay.rawPerSecond, 3),
      seconds: round(replay.seconds, 2),
    });
    return {
      cases,
      targets: [
        atLeast('100 events per append: project ÷ raw', ratioAt100, 0.6),
        atLeast('16 concurrent single-event writers: appends/s', appendsAt16x1, 5_000),
        atLeast('readAll replay: events/s', replay.projectPerSecond, 200_000),
      ],
      notes: [
        `raw = better-sqlite3 inserting the same rows into the same table with the same pragmas, one immediate transaction per append call, one writer (it is synchronous); each case is the median of ${ROUNDS} rounds of ${ROUND_MS} ms interleaved with its baseline`,
        'with 16 writers the store group-commits concurrent appends into one transaction, so it can exceed the raw single-writer figure',
      ],
    };
  },
};
