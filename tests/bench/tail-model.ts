/**
 * A model of the deposits benchmark's load shape without kopfed: a bare `node:http` server that
 * parses each JSON body and burns a fixed CPU time per request, driven by the same closed loop
 * (50 clients in a process of their own, 5 s warm-up, 10 s measured). It shows what p99 this
 * machine gives a server of a given CPU cost per request, answering each request at once or,
 * as a group commit does, all of a loop turn's answers together (optionally after a write and
 * an fsync of a scratch file). docs/performance.md quotes it.
 *
 *   node --import tsx tests/bench/tail-model.ts --spin-us 300 [--grouped] [--fsync]
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closedLoopInChild } from './closed-loop';
import type { LoadRequest } from './http-load';

const CLIENTS = 50;
const PAGE = Buffer.alloc(4_096);

/** The workload the client process builds its requests from: a deposit-sized JSON body. */
export function request(client: number, k: number): LoadRequest {
  return {
    method: 'POST',
    path: `/deposits/${client}/${k}`,
    headers: { authorization: 'Bearer model' },
    body: { amount: { amount: String(1_000 + (k % 100)), currency: 'IDR' }, via: 'cash' },
  };
}

function burn(microseconds: number): void {
  const end = performance.now() + microseconds / 1_000;
  while (performance.now() < end);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'spin-us': { type: 'string', default: '300' },
      grouped: { type: 'boolean', default: false },
      fsync: { type: 'boolean', default: false },
    },
  });
  const spinUs = Number(values['spin-us']);
  if (!Number.isFinite(spinUs) || spinUs < 0) throw new Error('--spin-us takes microseconds ≥ 0');
  const dir = mkdtempSync(join(tmpdir(), 'kopfed-tail-model-'));
  const fd = openSync(join(dir, 'wal'), 'w');
  const waiting: (() => void)[] = [];
  let flushing = false;
  // One page written per answer and one fsync per turn, as the group commit writes its WAL.
  const flush = () => {
    flushing = false;
    const group = waiting.splice(0);
    if (values.fsync) {
      for (let i = 0; i < group.length; i++) writeSync(fd, PAGE);
      fsyncSync(fd);
    }
    for (const answer of group) answer();
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      burn(spinUs);
      const answer = () => {
        const body = '{"ok":true}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      };
      if (!values.grouped) return answer();
      waiting.push(answer);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const outcome = await closedLoopInChild({
      port: (server.address() as AddressInfo).port,
      clients: CLIENTS,
      warmupMs: 5_000,
      measureMs: 10_000,
      workload: { module: __filename, exportName: 'request', args: {} },
    });
    const meanMs = (CLIENTS * 1_000) / outcome.perSecond;
    process.stdout.write(
      `${JSON.stringify({
        spinUs,
        grouped: values.grouped,
        fsync: values.fsync,
        perSecond: Math.round(outcome.perSecond),
        p50Ms: Number(outcome.p50Ms.toFixed(1)),
        p99Ms: Number(outcome.p99Ms.toFixed(1)),
        p99OverMean: Number((outcome.p99Ms / meanMs).toFixed(2)),
        mainThreadCpuMsPerRequest: Number(
          ((outcome.serverMainThreadCpuMs ?? Number.NaN) / outcome.requests).toFixed(3),
        ),
        clientCpuMsPerRequest: Number((outcome.clientCpuMs / outcome.requests).toFixed(3)),
      })}\n`,
    );
  } finally {
    server.close();
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
