import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const TOTAL = 10_000;
const KILLS = 24;

interface Child {
  process: ChildProcess;
  /** Resolves when the child says it is working (or has exited). */
  ready: Promise<void>;
}

function start(script: string, args: string[]): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'crash', script), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('ready')) resolve();
    });
    child.once('exit', () => resolve());
  });
  return { process: child, ready };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function readModel(file: string) {
  if (!existsSync(file)) return { rows: 0, distinct: 0, sum: 0, count: 0 };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const effects = db
      .prepare(
        'SELECT count(*) AS rows, count(DISTINCT event_id) AS "distinct", coalesce(sum(n), 0) AS sum FROM effects',
      )
      .get() as { rows: number; distinct: number; sum: number };
    const totals = db.prepare('SELECT count FROM totals WHERE id = 1').get() as
      { count: number } | undefined;
    return { ...effects, count: totals?.count ?? 0 };
  } catch {
    return { rows: 0, distinct: 0, sum: 0, count: 0 };
  } finally {
    db.close();
  }
}

describe('relay, bus and inbox under SIGKILL', () => {
  it(`apply ${TOTAL} events exactly once while producer and consumer are killed ${KILLS} times`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kopfed-relay-crash-'));
    const producerFile = join(dir, 'producer.db');
    const readModelFile = join(dir, 'read-model.db');
    let producer = start('producer.ts', [producerFile, String(TOTAL)]);
    let consumer = start('consumer.ts', [producerFile, readModelFile]);
    let producerDone = false;
    let kills = 0;
    try {
      while (kills < KILLS) {
        producerDone ||= producer.process.exitCode === 0;
        const killProducer = !producerDone && Math.random() < 0.5;
        const victim = killProducer ? producer : consumer;
        // Killed at a random moment while it is working, not while it is still starting.
        await victim.ready;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 400));
        victim.process.kill('SIGKILL');
        await exited(victim.process);
        kills++;
        if (killProducer) producer = start('producer.ts', [producerFile, String(TOTAL)]);
        else consumer = start('consumer.ts', [producerFile, readModelFile]);
      }
      expect(await exited(producer.process)).toBe(0);
      const deadline = Date.now() + 60_000;
      while (readModel(readModelFile).count < TOTAL && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 500));
      const result = readModel(readModelFile);
      expect(result).toEqual({
        rows: TOTAL,
        distinct: TOTAL,
        sum: (TOTAL * (TOTAL - 1)) / 2,
        count: TOTAL,
      });
      expect(kills).toBeGreaterThanOrEqual(20);
    } finally {
      producer.process.kill('SIGKILL');
      consumer.process.kill('SIGKILL');
      await Promise.all([exited(producer.process), exited(consumer.process)]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
