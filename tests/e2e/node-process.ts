import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
/** A fixed bootstrap admin key, so a test can act as the federation's admin from the start. */
export const ADMIN_KEY = `kpf_0123456789abcdef_${'e2eAdminKey'.repeat(4)}`;

/** A free TCP port on the loopback interface. */
/**
 * The kernel hands out ports 32768–60999 to every `listen(0)` and outgoing connection (the
 * test suites open thousands of them), so a port found free there can be taken again before
 * the process meant for it binds it. Ports are picked below that range instead, where only
 * an explicit bind can take them, and checked free.
 */
const PORT_RANGE = { from: 20_000, to: 32_000 };

export async function freePort(): Promise<number> {
  for (;;) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

let bundled: string | undefined;

/**
 * `npm start`'s bundle of the node, built once per test process from the sources as they are
 * now (never a stale dist/ left over from an earlier build).
 */
export function nodeBundle(): string {
  if (!bundled) {
    const script = join(REPO, 'apps', 'node', 'scripts', 'bundle.mjs');
    const result = spawnSync(process.execPath, [script], { cwd: REPO, encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`could not bundle the node: ${result.stderr || result.stdout}`);
    bundled = join(REPO, 'apps', 'node', 'dist', 'main.js');
  }
  return bundled;
}

/**
 * The federation node as a real process (`npm start`'s entry point), on a data directory
 * that outlives it, so it can be killed and started again on the same stores.
 */
export class NodeProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly url: string;

  constructor(
    private readonly options: { dataDir: string; port: number; env?: Record<string, string> },
  ) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  /** Starts the node and resolves when `/health/ready` answers. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('the node is already running');
    this.output = '';
    const child = spawn(process.execPath, ['--enable-source-maps', nodeBundle()], {
      cwd: REPO,
      env: {
        ...process.env,
        PORT: String(this.options.port),
        HOST: '127.0.0.1',
        KOPFED_DATA_DIR: this.options.dataDir,
        KOPFED_ADMIN_KEY: ADMIN_KEY,
        KOPFED_RATE_LIMIT_PER_SECOND: '100000',
        KOPFED_RATE_LIMIT_BURST: '100000',
        LOG_LEVEL: 'warn',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = undefined;
        throw new Error(`the node exited while starting:\n${this.output}`);
      }
      if (await this.ready()) return;
      await sleep(50);
    }
    throw new Error(`the node did not become ready in ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGKILL: no shutdown hook runs, exactly like a power cut. */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  /** SIGTERM: the graceful shutdown. Resolves with the exit code. */
  async stop(): Promise<number | null> {
    return this.stopWith('SIGTERM');
  }

  /** The running node's process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get log(): string {
    return this.output;
  }

  private async stopWith(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill(signal);
    return exited;
  }

  private async ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/health/ready`);
      return response.ok;
    } catch {
      return false;
    }
  }
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
