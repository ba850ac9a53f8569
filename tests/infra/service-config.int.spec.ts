import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SERVICES, type ServiceName } from './repo';

interface Exit {
  code: number | null;
  stderr: string;
}

/** Starts a service's main.ts as its container would, and waits for it to exit. */
function runMain(service: ServiceName, env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `services/${service}/src/main.ts`],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
    );
  });
}

const BAD = { PORT: 'eighty', LOG_LEVEL: 'loud', KOPFED_BUS_URL: 'amqp://rabbit:5672' };

describe('a service started with a bad environment (the same main.ts compose and k8s run)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kopfed-config-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  let exits: Map<ServiceName, Exit>;

  beforeAll(async () => {
    const results = await Promise.all(
      SERVICES.map((s) => runMain(s, { ...BAD, KOPFED_DATA_DIR: dataDir })),
    );
    exits = new Map(SERVICES.map((s, i) => [s, results[i]!]));
  }, 120_000);

  it.each(SERVICES.map((s) => [s]))(
    '%s exits with status 2 and one error naming every bad variable',
    (service) => {
      const exit = exits.get(service)!;
      expect(exit.code).toBe(2);
      const line = exit.stderr.trim().split('\n').at(-1)!;
      expect(line).toMatch(/^invalid configuration — /);
      for (const variable of Object.keys(BAD)) expect(line).toContain(`${variable}:`);
    },
  );

  it('opened no store before refusing to start', () => {
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

/** A read each service answers its admin (any status but 401 shows the key was accepted). */
const READ: Record<ServiceName, string> = {
  member: '/coops/federation/statistics',
  savings: '/coops/federation/sync/transactions',
  loan: '/coops/federation/portfolio',
  settlement: '/coops/federation/reconciliation',
};

/**
 * Starts a service's main.ts on its own SQLite store, on any free port (PORT=0: the port is
 * read from its "listening" log line, so no other process can take it in between), and stops
 * it with SIGTERM.
 */
async function runAlone(service: ServiceName, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${service}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      KOPFED_DATA_DIR: dataDir,
      KOPFED_EVENTSTORE_URL: `sqlite:${dataDir}`,
      KOPFED_BUS_URL: 'in-process',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${service} did not listen:\n${stdout}`)),
      150_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = /"port":(\d+),[^\n]*"msg":"kopfed \w+ listening"/.exec(stdout);
      if (!listening) return;
      clearTimeout(timer);
      resolve(Number(listening[1]));
    });
    void exited.then(() => reject(new Error(`${service} exited before listening:\n${stdout}`)));
  });
  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status);
  const key = /bootstrap admin key: (\S+)/.exec(stdout)?.[1];
  const status = (token: string) =>
    fetch(`http://127.0.0.1:${port}/api/${service}/v1${READ[service]}`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.status);
  const statuses = { admin: key ? await status(key) : 0, garbage: await status('not-a-key') };
  child.kill('SIGTERM');
  return { ready, key, statuses, code: await exited };
}

describe('a service run alone on its SQLite store', () => {
  it.each(SERVICES.map((s) => [s]))(
    '%s answers ready, shows its new admin key once, and stops cleanly on SIGTERM',
    async (service) => {
      const dataDir = mkdtempSync(join(tmpdir(), `kopfed-alone-${service}-`));
      try {
        const run = await runAlone(service, dataDir);
        expect({ ready: run.ready, key: run.key !== undefined, code: run.code }).toEqual({
          ready: 200,
          key: true,
          code: 0,
        });
        expect(run.statuses.garbage).toBe(401);
        expect(run.statuses.admin).not.toBe(401);
        // Started again on the same store: the key exists, so it is not shown again.
        const again = await runAlone(service, dataDir);
        expect({ ready: again.ready, key: again.key, code: again.code }).toEqual({
          ready: 200,
          key: undefined,
          code: 0,
        });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    400_000,
  );
});
