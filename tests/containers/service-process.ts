import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../e2e/node-process';
import { REPO_ROOT } from '../infra/repo';

/** How much of a process's output is kept for failure messages. */
const OUTPUT_TAIL_CHARS = 20_000;
const POLL_MS = 250;

export interface ServiceProcess {
  name: string;
  baseUrl: string;
  /** The last lines the process printed (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs `services/<name>/src/main.ts` as its own process, as a container would (node with tsx,
 * configured by environment only), and resolves once /health/ready answers 200.
 */
export async function startService(
  name: string,
  mainPath: string,
  env: Record<string, string>,
  readyTimeoutMs: number,
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const service: ServiceProcess = {
    name,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () => stopProcess(child),
  };
  try {
    await waitUntilReady(service, child, readyTimeoutMs);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

async function waitUntilReady(
  service: ServiceProcess,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${service.name} exited with ${child.exitCode}:\n${service.output()}`);
    }
    const ready = await fetch(`${service.baseUrl}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs} ms:\n${service.output()}`);
}

/** SIGTERM (the services drain and close their stores), SIGKILL after 10 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
