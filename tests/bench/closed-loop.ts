import { fork } from 'node:child_process';
import { join } from 'node:path';

/** One request of a workload: built in the client process from the client's number and its count. */
export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * What the client process runs: `clients` closed-loop clients over keep-alive connections, each
 * sending its next request as soon as the last one answers. Requests come from the function
 * `workload.exportName` of the module `workload.module`, called with (client, k, workload.args).
 */
export interface ClosedLoopSpec {
  port: number;
  clients: number;
  warmupMs: number;
  measureMs: number;
  workload: { module: string; exportName: string; args: unknown };
}

export interface ClosedLoopOutcome {
  /** Answered during the measured window (after the warm-up). */
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
  /** This (the server's) process's CPU per answered request over the measured window. */
  serverCpuMsPerRequest: number;
}

type ChildMessage = { phase: 'measuring' } | { phase: 'done'; outcome: ClientOutcome };
export type ClientOutcome = Omit<ClosedLoopOutcome, 'serverCpuMsPerRequest'>;

/**
 * Runs the load from a process of its own, as a real client would: the clients' work (building,
 * sending and reading requests) then does not share the measured server's event loop. The
 * server runs in this process; its CPU is counted from the end of the warm-up to the end.
 */
export function closedLoopInChild(spec: ClosedLoopSpec): Promise<ClosedLoopOutcome> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'closed-loop-child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let cpuAtWarm = process.cpuUsage();
    let outcome: ClientOutcome | undefined;
    child.on('message', (message: ChildMessage) => {
      if (message.phase === 'measuring') cpuAtWarm = process.cpuUsage();
      else outcome = message.outcome;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const cpu = process.cpuUsage(cpuAtWarm);
      if (code !== 0 || !outcome) {
        reject(new Error(`the load's client process failed (exit ${code})`));
        return;
      }
      resolve({
        ...outcome,
        serverCpuMsPerRequest: (cpu.user + cpu.system) / 1_000 / Math.max(1, outcome.requests),
      });
    });
    child.send(spec);
  });
}
