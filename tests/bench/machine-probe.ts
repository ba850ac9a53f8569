import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, round, type MachineProbe } from './report';

const CPU_ROUNDS = 9;
const FSYNCS = 200;

/** An event-like object, as the stores serialise, seal and parse them. */
const SAMPLE = {
  id: '0190b6f2-3c4d-7e8f-9a0b-1c2d3e4f5a6b',
  type: 'DepositRecorded',
  schemaVersion: 1,
  data: {
    coopId: 'bench-1',
    accountId: 'bench-1-s42',
    amount: { amount: '1234500', currency: 'IDR' },
    via: 'cash',
    lines: Array.from({ length: 8 }, (_, i) => ({ account: `1-10${i}`, debit: String(i * 1_000) })),
  },
  metadata: { correlationId: 'c-1', causationId: 'k-1', actor: 'coop:bench-1' },
};

/** The fixed work: what a command costs the stores' code, without I/O. */
function cpuWork(): number {
  const seen = new Map<string, number>();
  let digest = 0;
  for (let i = 0; i < 4_000; i++) {
    const text = JSON.stringify({ ...SAMPLE, position: i });
    const back = JSON.parse(text) as { position: number };
    const hash = createHash('sha256').update(text).digest();
    seen.set(hash.toString('hex', 0, 8), back.position);
    digest = (digest + hash[0]!) % 65_521;
  }
  return digest + seen.size;
}

function cpuMs(): number {
  cpuWork(); // compiled before it is timed
  const times: number[] = [];
  for (let round = 0; round < CPU_ROUNDS; round++) {
    const started = performance.now();
    cpuWork();
    times.push(performance.now() - started);
  }
  return percentile(times, 50);
}

/**
 * Durations, in ms, of `count` 4 KiB writes each followed by an fsync, over 256 pages of a file
 * in the temporary folder, with `pauseMs` between them (0: back to back).
 */
export async function syncLatenciesMs(count: number, pauseMs = 0): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-bench-probe-'));
  const page = Buffer.alloc(4_096, 7);
  const times: number[] = [];
  const fd = openSync(join(dir, 'probe'), 'w');
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      writeSync(fd, page, 0, page.length, (i % 256) * page.length);
      fsyncSync(fd);
      times.push(performance.now() - started);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

/** Takes the machine's measure: about a second on this machine. */
export async function probeMachine(): Promise<MachineProbe> {
  const syncs = await syncLatenciesMs(FSYNCS);
  return {
    cpuMs: round(cpuMs(), 1),
    fsyncP50Us: round(percentile(syncs, 50) * 1_000, 0),
    fsyncP90Us: round(percentile(syncs, 90) * 1_000, 0),
    load1: round(loadavg()[0]!, 2),
  };
}
