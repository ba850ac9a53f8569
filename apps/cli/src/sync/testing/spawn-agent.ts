import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(__dirname, 'sync-main.ts');
const POLL_MS = 20;

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  /** Polled while the agent runs: once it answers true, the agent gets SIGKILL. */
  killWhen?: () => boolean;
  /** The agent is killed after this long whatever happens (a hung agent fails the test). */
  timeoutMs: number;
}

/**
 * `kopfed sync …` as a primary coop runs it: a process of its own (tsx, as bin/kopfed.js
 * does), killed with SIGKILL — no chance to tidy up — when `killWhen` says so.
 */
export function spawnAgent(args: readonly string[], env: NodeJS.ProcessEnv, options: SpawnOptions): Promise<AgentRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'sync', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const deadline = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const poll = options.killWhen
      ? setInterval(() => {
          if (options.killWhen!()) child.kill('SIGKILL');
        }, POLL_MS)
      : undefined;
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearInterval(poll);
      done({ code, signal, stdout, stderr });
    });
  });
}
