import { Agent, request } from 'node:http';
import { percentile } from './report';

/** One request of a workload: its method, path, headers and JSON body. */
export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<number, number>;
}

/**
 * A closed-loop load generator over keep-alive connections: `concurrency` clients each send
 * their next request as soon as the last one answers, until `total` have been sent.
 */
export async function load(options: {
  port: number;
  concurrency: number;
  total: number;
  request: (n: number) => LoadRequest;
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.total) {
        const n = next++;
        const spec = options.request(n);
        const t0 = performance.now();
        const status = await send(agent, options.port, spec);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statuses,
  };
}

/** One request over `agent`; resolves with the answer's status once its body has been read. */
export function send(agent: Agent, port: number, spec: LoadRequest): Promise<number> {
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: spec.method,
        path: spec.path,
        agent,
        headers: {
          ...(body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {}),
          ...spec.headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error(`${spec.method} ${spec.path}: answer aborted`)));
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}
