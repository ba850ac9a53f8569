import { execFile } from 'node:child_process';
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
