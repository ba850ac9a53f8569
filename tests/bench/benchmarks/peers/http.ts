import { spawn } from 'node:child_process';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import {
  COOPS,
  idr,
  PRODUCTS,
  savingsHarness,
  type SavingsHarness,
} from '@kopfed/savings/src/testing/savings-harness';
import { seedDirect } from '../savings';
import type { LoadOutcome, LoadSpec } from './autocannon-run';

/** As the savings bench: 50 keep-alive connections over 10,000 accounts. */
const CONNECTIONS = 50;
const ACCOUNTS = Number(process.env.BENCH_DEPOSIT_ACCOUNTS ?? 10_000);
const WARMUP_SECONDS = 1;
const SECONDS = Number(process.env.BENCH_PEERS_HTTP_SECONDS ?? 5);
const ROUNDS = 3;
const DEPOSIT_BODY = JSON.stringify({ amount: idr(1_000), via: 'cash' });

export interface HttpRun extends LoadOutcome {
  /** CPU time of the server's process (the bench process) per answered request. */
  serverCpuMsPerRequest: number;
}

async function listen(app: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** autocannon in a child process; this process's CPU is counted from the end of the warm-up. */
function load(spec: LoadSpec): Promise<HttpRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'autocannon-run.ts')],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    child.stdin.end(JSON.stringify(spec));
    let output = '';
    const warmedAfterMs = spec.warmupSeconds * 1_000;
    let cpuAtWarm: NodeJS.CpuUsage | undefined;
    const warmTimer = setTimeout(() => (cpuAtWarm = process.cpuUsage()), warmedAfterMs + 300);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(warmTimer);
      const cpu = process.cpuUsage(cpuAtWarm);
      if (code !== 0) return reject(new Error(`autocannon run failed (exit ${code})`));
      const outcome = JSON.parse(output) as LoadOutcome;
      resolve({
        ...outcome,
        serverCpuMsPerRequest: (cpu.user + cpu.system) / 1_000 / Math.max(1, outcome.requests),
      });
    });
  });
}

/** The ceiling: Express parsing the same JSON body on the same path and answering at once. */
function bareExpress(): RequestListener {
  const app = express();
  app.use(express.json());
  app.post('/api/savings/v1/coops/:coopId/accounts/:accountId/deposits', (req, res) => {
    res.status(200).json({ accountId: req.params.accountId, received: req.body as unknown });
  });
  return app;
}

async function kopfedSavings(): Promise<{ h: SavingsHarness; paths: string[] }> {
  const h = await savingsHarness({
    file: true,
    realClock: true,
    pollIntervalMs: 50,
    keepPublished: false,
  });
  const { server, url } = await listen(h.app);
  try {
    for (const product of [PRODUCTS.SUKARELA, PRODUCTS.WAJIB]) {
      const response = await fetch(`${url}/api/savings/v1/coops/${COOPS.A}/products`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.keys.coopA}`, 'content-type': 'application/json' },
        body: JSON.stringify(product),
      });
      if (!response.ok) throw new Error(`creating ${product.code}: ${await response.text()}`);
    }
  } finally {
    await closeServer(server);
  }
  await seedDirect(h, ACCOUNTS);
  await h.savings.projection.catchUp(undefined, 300_000);
  await untilIdle();
  // seedDirect opens every fifth account as simpanan wajib: deposits go to the sukarela ones.
  const sukarela = Array.from({ length: ACCOUNTS }, (_, n) => n).filter((n) => n % 5 !== 4);
  // A scrambled order, so that consecutive deposits rarely land on the same account.
  const paths = sukarela.map(
    (_, i) =>
      `/api/savings/v1/coops/${COOPS.A}/accounts/c-${sukarela[(i * 7_919) % sukarela.length]!}/deposits`,
  );
  return { h, paths };
}

/**
 * Seeding leaves the service's relays and subscriptions working through the new events for a
 * while, in this process: wait until it uses under a tenth of a core, so that neither server's
 * measurement pays for it (at most a minute).
 */
async function untilIdle(): Promise<void> {
  const windowMs = 500;
  for (let waited = 0; waited < 60_000; waited += windowMs) {
    const cpu0 = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const cpu = process.cpuUsage(cpu0);
    if ((cpu.user + cpu.system) / 1_000 < windowMs / 10) return;
  }
  process.stderr.write(
    'peers: the savings service was still busy after a minute; measuring anyway\n',
  );
}

export interface HttpComparison {
  kopfed: HttpRun;
  express: HttpRun;
  config: { connections: number; accounts: number; seconds: number; rounds: number };
}

const median = (runs: HttpRun[]) =>
  [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;

/** Bare Express and kopfed's deposit, each behind its own server, measured in turn. */
export async function compareHttp(): Promise<HttpComparison> {
  const { h, paths } = await kopfedSavings();
  const kopfed = await listen(h.app);
  const bare = await listen(bareExpress());
  const spec = (url: string): LoadSpec => ({
    url,
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    seconds: SECONDS,
    paths,
    tokens: [h.keys.coopA, h.keys.coopA2],
    body: DEPOSIT_BODY,
  });
  try {
    const runs: { kopfed: HttpRun; express: HttpRun }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const e = await load(spec(bare.url));
      const k = await load(spec(kopfed.url));
      if (k.non2xx > 0 || k.errors > 0 || e.non2xx > 0 || e.errors > 0)
        throw new Error(
          `failed requests: kopfed ${k.non2xx} non-2xx, ${k.errors} errors; express ${e.non2xx}, ${e.errors}`,
        );
      runs.push({ kopfed: k, express: e });
    }
    return {
      kopfed: median(runs.map((r) => r.kopfed)),
      express: median(runs.map((r) => r.express)),
      config: { connections: CONNECTIONS, accounts: ACCOUNTS, seconds: SECONDS, rounds: ROUNDS },
    };
  } finally {
    await closeServer(kopfed.server);
    await closeServer(bare.server);
    await h.close();
  }
}
