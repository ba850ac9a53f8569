import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { loan, member, savings } from './generated';
import { ProblemError } from './problem-error';
import { resilientFetch, type RetryEvent } from './resilient-fetch';
import { retryPolicy, type RetryPolicy } from './retry-policy';

export interface KopfedClientOptions {
  /** The node or gateway, e.g. `https://kopfed.puskopdit.example` (no `/api/...`). */
  baseUrl: string;
  /** An API key (`kpf_…`) or an OIDC token. */
  token: string;
  retry?: Partial<RetryPolicy>;
  onRetry?: (event: RetryEvent) => void;
  /** The transport under the retries; the global fetch unless given. */
  fetch?: typeof globalThis.fetch;
  userAgent?: string;
}

/** One typed client per service; every call goes through the same retries and error mapping. */
export interface KopfedClient {
  member: Client<member.paths>;
  savings: Client<savings.paths>;
  loan: Client<loan.paths>;
}

/**
 * The kopfed SDK. Paths, parameters, bodies and responses are the services' own OpenAPI
 * types (generated, never hand-written) through openapi-fetch; a non-2xx answer throws a
 * {@link ProblemError} and a link that never answers throws `RetriesExhaustedError`.
 */
export function createKopfedClient(options: KopfedClientOptions): KopfedClient {
  const fetch = resilientFetch({
    policy: retryPolicy(options.retry),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  const make = <Paths extends object>(): Client<Paths> => {
    const client = createClient<Paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      fetch,
      headers: {
        Authorization: `Bearer ${options.token}`,
        'User-Agent': options.userAgent ?? 'kopfed-sdk',
      },
    });
    client.use(problemsAsErrors);
    return client;
  };
  return { member: make<member.paths>(), savings: make<savings.paths>(), loan: make<loan.paths>() };
}

const problemsAsErrors: Middleware = {
  async onResponse({ response }) {
    if (response.ok) return undefined;
    throw ProblemError.fromBody(
      response.status,
      response.statusText,
      response.headers.get('Content-Type') ?? '',
      await response.text(),
    );
  },
};

/**
 * The body of a successful call. Errors already throw, so this only narrows openapi-fetch's
 * `{ data } | { error }` result to the data.
 */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    throw ProblemError.fromBody(response.status, response.statusText, 'text/plain', String(error));
  }
  return data as T;
}
