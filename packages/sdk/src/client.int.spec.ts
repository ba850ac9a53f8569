import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createKopfedClient, ok } from './client';
import { ProblemError } from './problem-error';
import { RetriesExhaustedError } from './resilient-fetch';
import { fetchSyncStatus, sendSyncBatch } from './sync-batches';

type Behaviour = (req: IncomingMessage, res: ServerResponse, attempt: number, body: string) => void;

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
let behaviour: Behaviour;
let seen: Seen[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = req.headers['idempotency-key'];
      seen.push({ method: req.method!, url: req.url!, key: typeof key === 'string' ? key : undefined, body });
      behaviour(req, res, seen.length, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

const waits: number[] = [];
const client = (overrides: { maxAttempts?: number; timeoutMs?: number } = {}) =>
  createKopfedClient({
    baseUrl,
    token: 'kpf_0123456789abcdef_secret',
    retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 3_000, timeoutMs: 2_000, ...overrides },
    onRetry: (event) => waits.push(event.waitMs),
  });

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const problem = (status: number, code: string, extra: object = {}) => ({
  type: `https://kopfed.dev/problems/${code}`,
  title: code,
  status,
  detail: `${code} happened`,
  instance: '/x',
  requestId: 'r-1',
  code,
  ...extra,
});
const batchResult = { sequence: 1, duplicateSequence: false, results: [], counts: { created: 0, updated: 0, unchanged: 0, rejected: 0 } };
const batch = { sequence: 1, items: [{ externalId: 'A-1', memberNumber: 'A-1', kind: 'coop' as const, memberCoopId: 'x', joinedOn: '2024-01-01' }] };

describe('the SDK over a flaky link', () => {
  it('gives every write one Idempotency-Key and keeps it across retries after a dropped connection', async () => {
    behaviour = (req, res, attempt) => (attempt === 1 ? req.socket.destroy() : json(res, 200, batchResult));
    await sendSyncBatch(client(), 'members', 'ksp-a', batch);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1]!.key).toBe(seen[0]!.key);
    expect(seen[1]!.body).toBe(seen[0]!.body);
    expect(JSON.parse(seen[0]!.body)).toEqual(batch);
  });

  it('uses the caller’s key when given, and a new one for the next write', async () => {
    behaviour = (_req, res) => json(res, 200, batchResult);
    await sendSyncBatch(client(), 'members', 'ksp-a', batch, 'batch-1-abc');
    await sendSyncBatch(client(), 'members', 'ksp-a', batch);
    await sendSyncBatch(client(), 'members', 'ksp-a', batch);
    expect(seen[0]!.key).toBe('batch-1-abc');
    expect(seen[1]!.key).not.toBe(seen[2]!.key);
  });

  it('retries a response cut in the middle of its body', async () => {
    behaviour = (_req, res, attempt) => {
      if (attempt === 1) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
        res.write('{"sequence":1,');
        setTimeout(() => res.socket?.destroy(), 20);
      } else json(res, 200, batchResult);
    };
    expect(await sendSyncBatch(client(), 'members', 'ksp-a', batch)).toEqual(batchResult);
    expect(seen.map((s) => s.key)).toEqual([seen[0]!.key, seen[0]!.key]);
  });

  it('gives up on a stalled attempt after its time limit and tries again', async () => {
    behaviour = (_req, res, attempt) => (attempt === 1 ? undefined : json(res, 200, { lastSequence: 3, batchesReceived: 3, gaps: [], missingCount: 0 }));
    const started = Date.now();
    const status = await fetchSyncStatus(client({ timeoutMs: 300 }), 'members', 'ksp-a');
    expect(status.lastSequence).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(seen).toHaveLength(2);
  });

  it('gives up on a stalled attempt even when garbage collection runs while it waits', async () => {
    // Node 20's AbortSignal.any drops a timeout signal that nothing else holds: once collected,
    // the attempt waited for ever (or the process, with nothing else to do, exited).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    behaviour = (_req, res, attempt) => (attempt === 1 ? undefined : json(res, 200, { lastSequence: 3, batchesReceived: 3, gaps: [], missingCount: 0 }));
    const collect = setTimeout(gc, 50);
    try {
      const status = await fetchSyncStatus(client({ timeoutMs: 300 }), 'members', 'ksp-a');
      expect(status.lastSequence).toBe(3);
      expect(seen).toHaveLength(2);
    } finally {
      clearTimeout(collect);
    }
  }, 10_000);

  it('retries 5xx and 429, honouring Retry-After, a key still in progress, a coop batch still applied and a member busy', async () => {
    waits.length = 0;
    behaviour = (_req, res, attempt) => {
      if (attempt === 1) json(res, 503, problem(503, 'unavailable'));
      else if (attempt === 2) json(res, 429, problem(429, 'rate-limited'), { 'Retry-After': '1' });
      else if (attempt === 3) json(res, 409, problem(409, 'idempotency-key-in-progress'), { 'Retry-After': '1' });
      else if (attempt === 4) json(res, 409, problem(409, 'member_batch_in_progress'));
      else if (attempt === 5) json(res, 409, problem(409, 'member_busy'), { 'Retry-After': '1' });
      else json(res, 200, batchResult);
    };
    await sendSyncBatch(client({ maxAttempts: 6 }), 'members', 'ksp-a', batch);
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(waits[0]).toBeLessThan(50);
    expect(waits[1]).toBeGreaterThanOrEqual(1_000);
    expect(waits[2]).toBeGreaterThanOrEqual(1_000);
    expect(waits[4]).toBeGreaterThanOrEqual(1_000);
  });

  it('stops after maxAttempts: the last problem is thrown, or RetriesExhaustedError when nothing answered', async () => {
    behaviour = (_req, res) => json(res, 500, problem(500, 'internal-error'));
    const failure = await sendSyncBatch(client({ maxAttempts: 3 }), 'members', 'ksp-a', batch).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProblemError);
    expect((failure as ProblemError).status).toBe(500);
    expect(seen).toHaveLength(3);
    seen = [];
    behaviour = (req) => req.socket.destroy();
    const silence = await sendSyncBatch(client({ maxAttempts: 2 }), 'members', 'ksp-a', batch).catch((e: unknown) => e);
    expect(silence).toBeInstanceOf(RetriesExhaustedError);
    expect((silence as RetriesExhaustedError).attempts).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it('surfaces problem details as a typed ProblemError, without retrying a 4xx', async () => {
    const errors = [{ in: 'body', pointer: '/sequence', detail: 'Too small' }];
    behaviour = (_req, res) => json(res, 400, problem(400, 'validation-failed', { errors }));
    const failure = await ok(
      client().member.GET('/api/member/v1/coops/{coopId}/sync-status', { params: { path: { coopId: 'ksp-a' } } }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProblemError);
    expect(failure).toMatchObject({ status: 400, code: 'validation-failed', title: 'validation-failed', detail: 'validation-failed happened', errors });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', key: undefined });
  });

  it('describes an error page that is not problem details', async () => {
    behaviour = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<h1>Not here</h1>');
    };
    const failure = await fetchSyncStatus(client(), 'loans', 'ksp-a').catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 404, code: 'http-404', detail: '<h1>Not here</h1>' });
    expect(seen[0]!.url).toBe('/api/loan/v1/coops/ksp-a/loan-sync-status');
  });
});
