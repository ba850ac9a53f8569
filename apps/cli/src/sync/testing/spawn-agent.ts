import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(__dirname, '../../main.ts');

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `kopfed sync …` as a primary coop runs it: a process of its own (tsx, as bin/kopfed.js
 * does), killed with SIGKILL after `killAfterMs` when given — no chance to tidy up — and in
 * any case after `timeoutMs`.
 */
export function spawnAgent(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  { killAfterMs, timeoutMs }: { killAfterMs?: number; timeoutMs: number },
): Promise<AgentRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'sync', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.min(killAfterMs ?? timeoutMs, timeoutMs));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}
