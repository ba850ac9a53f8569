/*
 * CPU per request of the kit's pipeline, measured in the server process alone.
 *
 *   node --import tsx packages/service-kit/src/bench/pipeline-cpu.ts [requests] [--mode=bare,command] [--log] [--file] [--profile]
 *
 * The server runs in a child process; this process only sends requests (keep-alive, 16 at
 * once) and asks the child for its process.cpuUsage() before and after, so the figure is the
 * server's CPU over a fixed number of requests: less noisy than a rate on a shared machine.
 * The route is a deposit-shaped command (API key, coop scope, strict zod body, typed response)
 * whose handler does no I/O, so what is measured is the kit: Node HTTP, Express, auth, rate
 * limit, body, validation, idempotency record (in-memory SQLite; `-sole-writer` as the node keeps
 * it), response. `bare` is the floor: Node's own HTTP server reading and answering the JSON.
 * `--profile` writes .cpuprofile files of each server under $PROFILE_DIR/<mode> (default: here).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { openEventStore } from '@kopfed/eventstore';
import { ApiKeyRegistry } from '../access/api-key-registry';
import { InMemoryCoopDirectory } from '../auth/coop-directory';
import { createLogger } from '../http/logging';
import { defineRoute } from '../http/route';
import { createServiceApp } from '../http/service-app';
import { TokenBucketLimiter } from '../rate-limit/token-bucket';

const MODES = ['bare', 'command', 'command-with-key', 'command-with-key-sole-writer'] as const;
type Mode = (typeof MODES)[number];
const CONCURRENCY = 16;
const COOP = 'coop-a';

const Money = z.strictObject({
  amount: z.string().regex(/^-?\d{1,19}$/),
  currency: z.literal('IDR'),
});
const Deposit = z.strictObject({
  amount: Money,
  via: z.enum(['cash', 'transfer']),
  note: z.string().max(200).optional(),
});
const Deposited = z.object({
  transactionId: z.string(),
  accountId: z.string(),
  amount: Money,
  balance: Money,
  bookedAt: z.string(),
});

async function serve(mode: Mode): Promise<{ server: Server; token: string }> {
  if (mode === 'bare') {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { amount: unknown };
        const payload = JSON.stringify({ accountId: req.url, amount: body.amount });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(payload);
      });
    });
    return { server, token: 'none' };
  }
  // `--file`: the service's store in a SQLite file (WAL, synchronous FULL), as the node has it.
  const store = process.argv.includes('--file')
    ? openEventStore(`sqlite:${scratchDir()}`, { service: 'bench' })
    : openEventStore('sqlite::memory:', { service: 'bench' });
  const registry = await ApiKeyRegistry.open(
    openEventStore('sqlite::memory:', { service: 'access' }),
  );
  const { token } = await registry.create({ role: 'coop', coopId: COOP, createdBy: 'bench' });
  const deposit = defineRoute({
    method: 'POST',
    path: '/coops/{coopId}/accounts/{accountId}/deposits',
    operationId: 'deposit',
    summary: 'A deposit-shaped command',
    request: {
      params: z.strictObject({
        coopId: z
          .string()
          .max(64)
          .regex(/^[A-Za-z0-9_-]+$/),
        accountId: z
          .string()
          .max(64)
          .regex(/^[A-Za-z0-9_-]+$/),
      }),
      body: Deposit,
    },
    responses: { 200: Deposited },
    policy: { roles: ['coop', 'admin'], coopScope: { pathParam: 'coopId' } },
    handler: async ({ params, body }, ctx) => {
      await Promise.resolve();
      return {
        status: 200,
        body: {
          transactionId: ctx.requestId,
          accountId: params.accountId,
          amount: body.amount,
          balance: { amount: String(100_000n + BigInt(body.amount.amount)), currency: 'IDR' },
          bookedAt: new Date().toISOString(),
        },
      };
    },
  });
  const app = createServiceApp(
    { service: 'bench', version: 'v1', title: 'bench', routes: [deposit] },
    {
      authenticate: registry.authenticate,
      coopDirectory: new InMemoryCoopDirectory(),
      store,
      // `--log`: the access log on, as a service run alone logs (LOG_LEVEL info), to /dev/null.
      logger: process.argv.includes('--log')
        ? createLogger({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }))
        : createLogger({ level: 'silent' }),
      rateLimiter: new TokenBucketLimiter({ ratePerSecond: 1e9, burst: 1e9 }),
      // As the node has it: the only process writing its stores.
      idempotency: { soleWriter: mode === 'command-with-key-sole-writer' },
    },
  );
  return { server: createServer(app), token };
}

/** The child: serves, and answers `cpu` with its CPU time so far. */
async function child(mode: Mode): Promise<void> {
  const { server, token } = await serve(mode);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ port, token });
  });
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (message === 'stop') server.close(() => process.exit(0));
  });
}

function ask<T>(worker: ChildProcess, message: string, key: keyof T): Promise<T> {
  return new Promise((resolve) => {
    const listener = (reply: T) => {
      if (reply && typeof reply === 'object' && key in reply) {
        worker.off('message', listener);
        resolve(reply);
      }
    };
    worker.on('message', listener);
    if (message) worker.send(message);
  });
}

function post(
  agent: Agent,
  port: number,
  path: string,
  headers: Record<string, string>,
  body: string,
) {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function drive(port: number, token: string, mode: Mode, from: number, count: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = from;
  const end = from + count;
  const failures: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < end) {
        const n = next++;
        const body = JSON.stringify({
          amount: { amount: String(1_000 + (n % 100)), currency: 'IDR' },
          via: 'cash',
        });
        const status = await post(
          agent,
          port,
          `/api/bench/v1/coops/${COOP}/accounts/acc-${n % 1_000}/deposits`,
          {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            'Content-Length': String(Buffer.byteLength(body)),
            ...(mode.startsWith('command-with-key') ? { 'Idempotency-Key': `bench-${n}` } : {}),
          },
          body,
        );
        if (status !== 200) failures[status] = (failures[status] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return failures;
}

async function measure(mode: Mode, requests: number, profile: boolean) {
  const worker = fork(
    process.argv[1] ?? '',
    ['--serve', mode, ...process.argv.filter((a) => a === '--log' || a === '--file')],
    {
      execArgv: [
        ...process.execArgv,
        ...(profile
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR ?? '.'}/${mode}`]
          : []),
      ],
    },
  );
  const { port, token } = await ask<{ port: number; token: string }>(worker, '', 'port');
  await drive(port, token, mode, 0, Math.min(requests, 5_000));
  const before = await ask<{ cpu: NodeJS.CpuUsage }>(worker, 'cpu', 'cpu');
  const started = performance.now();
  const failures = await drive(port, token, mode, 1_000_000, requests);
  const seconds = (performance.now() - started) / 1_000;
  const after = await ask<{ cpu: NodeJS.CpuUsage }>(worker, 'cpu', 'cpu');
  worker.send('stop');
  await new Promise((resolve) => worker.once('exit', resolve));
  const cpuMs = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1_000;
  return {
    mode,
    requests,
    cpuMsPerRequest: Number((cpuMs / requests).toFixed(4)),
    perSecondWall: Math.round(requests / seconds),
    failures,
  };
}

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt >= 0) {
    await child(process.argv[serveAt + 1] as Mode);
    return;
  }
  const requests = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 20_000);
  const profile = process.argv.includes('--profile');
  const only = process.argv.find((arg) => arg.startsWith('--mode='))?.slice('--mode='.length);
  const results = [];
  for (const mode of MODES.filter((m) => only === undefined || only.split(',').includes(m)))
    results.push(await measure(mode, requests, profile));
  process.stdout.write(
    `${JSON.stringify({ loadAverage: loadavg().map((l) => Number(l.toFixed(2))), node: process.version, results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

/** A folder for the store's file, removed when the process exits. */
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-pipeline-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
