import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { v7 as uuidv7 } from 'uuid';
import { runCrashCycles } from '../conformance/crash-harness';
import { SqliteEventStore } from './sqlite-event-store';
import type { WalCheckpointerOptions } from './wal-checkpointer';

/** About 4 KB of event: a few hundred of them fill more than SQLite's 1,000-page WAL default. */
const bulky = () => ({
  id: uuidv7(),
  type: 'Noted',
  schemaVersion: 1,
  data: { text: 'x'.repeat(4_000) },
});

/**
 * Hands the checkpoints over at the first commit and checkpoints without pausing; the
 * committing connection's own checkpoint is set too high to happen in these tests.
 */
const EAGER: WalCheckpointerOptions = {
  startAfterCommits: 1,
  pauseMs: 0,
  inlineAfterPages: 1_000_000,
};

let streams = 0;
/** Appends two bulky events to each of `commits` new streams, one commit each. */
async function appendInCommits(store: SqliteEventStore, commits: number): Promise<void> {
  for (let i = 0; i < commits; i++)
    await store.append(`note-${streams++}`, [bulky(), bulky()], { expectedRevision: 'no_stream' });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('WalCheckpointer: WAL checkpoints on the checkpoint thread', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore | undefined;
  const open = (walCheckpoints?: WalCheckpointerOptions | 'inline') =>
    (store = new SqliteEventStore({ file, walCheckpoints }));
  const autocheckpoint = (s: SqliteEventStore) =>
    s.database.pragma('wal_autocheckpoint', { simple: true });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kopfed-wal-'));
    file = join(dir, 'events.db');
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the WAL into the database file from the checkpoint thread, not from the store', async () => {
    const s = open(EAGER);
    await appendInCommits(s, 1);
    await until(() => s.walCheckpointer!.state === 'background', 'the hand-over');
    expect(autocheckpoint(s)).toBe(1_000_000);
    const before = s.walCheckpointer!.checkpointsRun;
    await appendInCommits(s, 300);
    await until(() => s.walCheckpointer!.checkpointsRun > before + 1, 'a checkpoint');
    // This connection checkpoints only past a million pages: only the thread can have filled the file.
    expect(statSync(file).size).toBeGreaterThan(1_000_000);
    expect(await s.headPosition()).toBe(602);
  });

  it('starts the WAL again while commits keep coming, so it stays short', async () => {
    const s = open({ ...EAGER, inlineAfterPages: 512 });
    await appendInCommits(s, 1);
    await until(() => s.walCheckpointer!.state === 'background', 'the hand-over');
    // Four writers at once: group commits back to back. With the thread's checkpoints alone
    // the WAL grows to about 33 MB here.
    await Promise.all([1, 2, 3, 4].map(() => appendInCommits(s, 400)));
    expect(autocheckpoint(s)).toBe(512);
    expect(s.walCheckpointer!.checkpointsRun).toBeGreaterThan(0);
    expect(statSync(`${file}-wal`).size).toBeLessThan(12 * 1024 * 1024);
  });

  it('leaves no WAL behind on close, and a reopened store reads every event', async () => {
    const s = open(EAGER);
    await appendInCommits(s, 50);
    await until(() => s.walCheckpointer!.state === 'background', 'the hand-over');
    await appendInCommits(s, 50);
    await s.close();
    expect(s.walCheckpointer!.state).toBe('closed');
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = open();
    expect(await reopened.headPosition()).toBe(200);
    const last = (await reopened.readAll({ after: 198 }))[0]!;
    expect((await reopened.readStream(last.stream)).map((e) => e.revision)).toEqual([0, 1]);
  });

  it('turns automatic checkpoints back on when the thread dies, and says so', async () => {
    const warnings: string[] = [];
    const s = (store = new SqliteEventStore({
      file,
      walCheckpoints: EAGER,
      onWarning: (message) => warnings.push(message),
    }));
    await appendInCommits(s, 1);
    await until(() => s.walCheckpointer!.state === 'background', 'the hand-over');
    // No public way to kill it: reach the private thread's worker, as a crash would.
    const { thread } = s.walCheckpointer as unknown as { thread: { worker: Worker } };
    await thread.worker.terminate();
    await until(() => s.walCheckpointer!.state === 'failed', 'the fallback');
    expect(autocheckpoint(s)).toBe(1_000);
    expect(s.walCheckpointer!.failure).toMatch(/exited/);
    expect(warnings).toEqual([
      expect.stringMatching(/events\.db: WAL checkpoints are back in the commits \(.*exited/),
    ]);
    await appendInCommits(s, 300);
    // SQLite's own checkpoints now copy the WAL back inside the commits.
    expect(statSync(file).size).toBeGreaterThan(1_000_000);
  });

  it('shares one thread between stores, and closing one leaves the other checkpointing', async () => {
    const other = new SqliteEventStore({
      file: join(dir, 'other.db'),
      walCheckpoints: EAGER,
    });
    try {
      const s = open(EAGER);
      await Promise.all([appendInCommits(s, 1), appendInCommits(other, 1)]);
      await until(
        () => [s, other].every((x) => x.walCheckpointer!.state === 'background'),
        'both to checkpoint in the background',
      );
      await s.close();
      const before = other.walCheckpointer!.checkpointsRun;
      await appendInCommits(other, 300);
      await until(() => other.walCheckpointer!.checkpointsRun > before + 1, 'a checkpoint');
      expect(other.walCheckpointer!.state).toBe('background');
      expect(statSync(join(dir, 'other.db')).size).toBeGreaterThan(1_000_000);
    } finally {
      await other.close();
    }
  });

  it('falls back when the thread cannot open the file', async () => {
    const s = open(EAGER);
    // The store keeps its open file; the thread, opening it by name, finds nothing there.
    rmSync(file);
    await appendInCommits(s, 1);
    await until(() => s.walCheckpointer!.state === 'failed', 'the fallback');
    expect(s.walCheckpointer!.failure).toMatch(/does not exist|unable to open/);
    expect(autocheckpoint(s)).toBe(1_000);
  });

  it('closes at once while the thread is still opening a file it cannot open', async () => {
    const s = open(EAGER);
    rmSync(file);
    await appendInCommits(s, 1);
    expect(s.walCheckpointer!.state).toBe('starting');
    const started = Date.now();
    await s.close();
    // Well under the close's 5 s bound: the thread answered the close itself.
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('loses no acknowledged batch and tears none when killed while the thread checkpoints', async () => {
    const outcome = await runCrashCycles({
      url: `sqlite:${dir}`,
      service: 'events',
      cycles: 4,
      batchSize: 20,
      eagerCheckpoints: true,
      killAfterAcks: [300, 600],
    });
    expect(outcome.kills).toBe(4);
    expect(outcome.checkpointedCycles).toBe(4);
    const s = open('inline');
    expect(s.database.pragma('integrity_check', { simple: true })).toBe('ok');
    const perBatch = new Map<number, number>();
    for (const e of await s.readAll({ maxCount: 100_000 })) {
      const { batch } = e.data as { batch: number };
      perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
    }
    expect([...perBatch.values()].every((count) => count === 20)).toBe(true);
    expect([...outcome.acknowledged].filter((batch) => !perBatch.has(batch))).toEqual([]);
  }, 120_000);

  it('does not hand over the checkpoints of a store that has committed little', async () => {
    const s = open({ ...EAGER, startAfterCommits: 64 });
    await appendInCommits(s, 63);
    expect(s.walCheckpointer!.state).toBe('inline');
    expect(autocheckpoint(s)).toBe(1_000);
  });

  it('keeps SQLite’s own checkpoints when asked to, and for an in-memory store', () => {
    expect(open('inline').walCheckpointer).toBeUndefined();
    expect(autocheckpoint(store!)).toBe(1_000);
    const memory = new SqliteEventStore({ file: ':memory:' });
    expect(memory.walCheckpointer).toBeUndefined();
    return memory.close();
  });
});
