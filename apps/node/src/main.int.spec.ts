import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_FILE } from '@kopfed/savings/src/accounts/accounts-file';

const APP = join(__dirname, '..');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stderr: string;
  output: string;
  dataDir: string;
}

/**
 * Each start costs ~2 s of CPU (loading every module); on a machine busy with other suites
 * the four together take far longer, so they get a minute, and a node still up by then is killed.
 */
const PATIENCE_MS = 60_000;

/** `node src/main.ts` on a fresh data directory with `env`, to its exit. */
function startNode(env: Record<string, string>): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-main-'));
  dirs.push(dataDir);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(KOPFED_|PORT$|HOST$)/.test(name)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: APP,
    env: { ...inherited, KOPFED_DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    output += chunk.toString('utf8');
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS - 5_000);
  return new Promise((done) =>
    child.once('close', (code) => {
      clearTimeout(killer);
      done({ code, stderr, output, dataDir });
    }),
  );
}

/** Every store closed: no SQLite write-ahead log left, the savings accounts session closed. */
function expectStoresClosed(dataDir: string): void {
  const files = readdirSync(dataDir);
  expect(files.filter((name) => /-(wal|shm)$/.test(name))).toEqual([]);
  if (files.includes(SESSION_FILE)) {
    const session = JSON.parse(readFileSync(join(dataDir, SESSION_FILE), 'utf8')) as {
      open: boolean;
    };
    expect(session.open).toBe(false);
  }
}

function holdPort(): Promise<Server> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

describe('the node process refuses to start, in one line, no stack, its stores closed', () => {
  it.concurrent.each([
    ['KOPFED_AUDIT_SEAL_INTERVAL_SECONDS', 'abc'],
    ['KOPFED_MASTER_KEY', 'short'],
    ['KOPFED_TRANSFER_EXPIRY_SWEEP_MS', '-5'],
  ])(
    'on a bad %s: exit 2, naming it',
    async (variable, value) => {
      const run = await startNode({ PORT: '0', [variable]: value });
      expect(run.stderr.trimEnd()).toMatch(
        new RegExp(`^invalid configuration — ${variable}: [^\\n]+$`),
      );
      expect(run.output).not.toMatch(/^\s+at /m);
      expect(run.code).toBe(2);
      expectStoresClosed(run.dataDir);
    },
    PATIENCE_MS,
  );

  it.concurrent(
    'on a port already in use: says so, exits 1, having closed its stores',
    async () => {
      const held = await holdPort();
      try {
        const port = (held.address() as { port: number }).port;
        const run = await startNode({ PORT: String(port) });
        expect(run.stderr.trimEnd()).toBe(
          `cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT to a free one, or stop what holds it)`,
        );
        expect(run.output).not.toMatch(/^\s+at /m);
        expect(run.code).toBe(1);
        expectStoresClosed(run.dataDir);
      } finally {
        held.close();
      }
    },
    PATIENCE_MS,
  );
});
