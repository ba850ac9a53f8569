/**
 * Runs autocannon (from the peers' project) in a process of its own, so that the load
 * generator does not share the server's event loop: a warm-up run, then the measured run.
 * Usage: node --import tsx autocannon-run.ts < spec.json (a LoadSpec); prints a LoadOutcome.
 */
import { peersRequire } from './install';

export interface LoadSpec {
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Requests go to these paths in turn, each with the next of these tokens in turn. */
  paths: string[];
  tokens: string[];
  body: string;
}

export interface LoadOutcome {
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface Request {
  path: string;
  headers: Record<string, string>;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  non2xx: number;
  '2xx': number;
  requests: { total: number };
  latency: { p50: number; p99: number };
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

async function run(spec: LoadSpec, seconds: number): Promise<AutocannonResult> {
  const autocannon = peersRequire()('autocannon') as Autocannon;
  let n = 0;
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    method: 'POST',
    body: spec.body,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request: Request): Request => {
          const k = n++;
          return {
            ...request,
            path: spec.paths[k % spec.paths.length]!,
            headers: {
              ...request.headers,
              authorization: `Bearer ${spec.tokens[k % spec.tokens.length]!}`,
            },
          };
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadSpec;
  if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds);
  const result = await run(spec, spec.seconds);
  const outcome: LoadOutcome = {
    requests: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
