import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the client process runs: `clients` closed-loop clients over keep-alive connections, each
 * sending its next request as soon as the last one answers. Requests come from the function
 * `workload.exportName` of the module `workload.module`, called with (client, k, workload.args),
 * each an http-load `LoadRequest`.
 */
export interface ClosedLoopSpec {
  port: number;
  clients: number;
  warmupMs: number;
  measureMs: number;
  workload: { module: string; exportName: string; args: unknown };
}

export interface ClosedLoopOutcome {
  /** Answered during the measured window (after the warm-up), whatever their status. */
  requests: number;
  /** Answered requests per second of the measured window, whatever their status. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers by status during the measured window. */
  statuses: Record<number, number>;
  /** Answers by status during the warm-up, so that a failure there is not lost. */
  warmupStatuses: Record<number, number>;
  /**
   * The client process's CPU time from the end of the warm-up to its last answer, in ms: on a
   * machine of two cores, what the load itself takes from the server.
   */
  clientCpuMs: number;
  /** This (the server's) process's CPU time over the measured window, in ms. */
  serverCpuMs: number;
  /**
   * The same, of its main thread alone (the event loop that answers requests), where the
   * system says (Linux): what a design that moves work onto other threads frees.
   */
  serverMainThreadCpuMs?: number;
}

type ChildMessage = { phase: 'measuring' } | { phase: 'done'; outcome: ClientOutcome };
export type ClientOutcome = Omit<ClosedLoopOutcome, 'serverCpuMs' | 'serverMainThreadCpuMs'>;

/** USER_HZ: the unit of /proc's CPU times, 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The main thread's CPU time so far in ms (its task's utime + stime), or undefined off Linux. */
export function mainThreadCpuMs(): number | undefined {
  return cpuMsOf(`/proc/self/task/${process.pid}/stat`);
}

/** A process's CPU time so far in ms, all its threads together, or undefined off Linux. */
export function processCpuMs(pid: number): number | undefined {
  return cpuMsOf(`/proc/${pid}/stat`);
}

function cpuMsOf(statFile: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(statFile, 'utf8');
  } catch {
    return undefined;
  }
  // The fields after the command name (in parentheses, which may hold spaces): utime and
  // stime are the 14th and 15th of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1_000) / CLOCK_TICKS_PER_SECOND : undefined;
}

/** How long the client process may take beyond its warm-up and measurement before it is killed. */
const GRACE_MS = 60_000;

/**
 * Runs the load from a process of its own, as a real client would: the clients' work (building,
 * sending and reading requests) then does not share the measured server's event loop. The
 * server runs in this process; its CPU is counted from the end of the warm-up to the child's
 * report. The child's output goes to stderr, so it cannot mix with a benchmark's JSON.
 */
export function closedLoopInChild(spec: ClosedLoopSpec): Promise<ClosedLoopOutcome> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'closed-loop-child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    let cpuAtWarm = process.cpuUsage();
    let mainAtWarm = mainThreadCpuMs();
    let reported: ClosedLoopOutcome | undefined;
    const timer = setTimeout(
      () => child.kill('SIGKILL'),
      spec.warmupMs + spec.measureMs + GRACE_MS,
    );
    child.on('message', (message: ChildMessage) => {
      if (message.phase === 'measuring') {
        cpuAtWarm = process.cpuUsage();
        mainAtWarm = mainThreadCpuMs();
        return;
      }
      const cpu = process.cpuUsage(cpuAtWarm);
      const main = mainThreadCpuMs();
      reported = {
        ...message.outcome,
        serverCpuMs: (cpu.user + cpu.system) / 1_000,
        ...(main !== undefined && mainAtWarm !== undefined
          ? { serverMainThreadCpuMs: main - mainAtWarm }
          : {}),
      };
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && reported) resolve(reported);
      else reject(new Error(`the load's client process failed (exit ${signal ?? code})`));
    });
    child.send(spec);
  });
}

/** Answers, warm-up included, with any status but `ok`. */
export function failuresOf(outcome: ClosedLoopOutcome, ok: number): number {
  let failures = 0;
  for (const counts of [outcome.statuses, outcome.warmupStatuses]) {
    for (const [status, count] of Object.entries(counts))
      if (Number(status) !== ok) failures += count;
  }
  return failures;
}
