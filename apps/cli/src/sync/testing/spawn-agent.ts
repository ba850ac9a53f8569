import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ENTRIES = {
  /** The sync command alone (run through tsx), and the one entry that arms a test crash point. */
  tests: resolve(__dirname, 'sync-main.ts'),
  /** What a primary coop runs: `npx kopfed` (which registers tsx itself); it must ignore test crash points. */
  installed: resolve(__dirname, '../../../bin/kopfed.js'),
} as const;

const LOSE_FIRST_POST = resolve(__dirname, 'lose-first-post.ts');

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  entry: keyof typeof ENTRIES;
  /** Preloads `lose-first-post.ts`: the agent's first POST gets no answer and holds nothing open. */
  loseFirstPost?: boolean;
  /** The agent is killed after this long whatever happens (a hung agent fails the test). */
  timeoutMs: number;
}

/** `kopfed sync …` as a primary coop runs it: a process of its own (tsx, as bin/kopfed.js does). */
export function spawnAgent(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: SpawnOptions,
): Promise<AgentRun> {
  const lose = options.loseFirstPost === true;
  const flags = [
    ...(options.entry === 'tests' || lose ? ['--import', 'tsx'] : []),
    ...(lose ? ['--expose-gc', '--import', LOSE_FIRST_POST] : []),
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...flags, ENTRIES[options.entry], 'sync', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const deadline = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      done({ code, signal, stdout, stderr });
    });
  });
}
