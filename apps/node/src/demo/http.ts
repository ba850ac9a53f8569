import { IDEMPOTENCY_KEY_HEADER, resilientFetch, retryPolicy, type FetchLike } from '@kopfed/sdk';

/** A call the node answered with a status the demo did not expect. */
export class DemoHttpError extends Error {
  override readonly name = 'DemoHttpError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path}: HTTP ${status} ${JSON.stringify(body).slice(0, 600)}`);
  }
}

/**
 * One party's view of the node (a coop's system, the treasurer, the admin): JSON over the
 * public API. Every write carries an Idempotency-Key derived from the demo run and the
 * write's own name, so a retry — or the same demo run again — never applies twice; network
 * errors, 429 and 5xx are retried a bounded number of times with backoff.
 */
export class DemoClient {
  private readonly fetch: FetchLike;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly keyPrefix: string,
    fetchImpl: FetchLike = resilientFetch({
      // A 1,000-item sync batch may take a while on a busy node; each attempt gets 2 minutes.
      policy: retryPolicy({
        maxAttempts: 6,
        baseDelayMs: 200,
        maxDelayMs: 5_000,
        timeoutMs: 120_000,
      }),
    }),
  ) {
    this.fetch = fetchImpl;
  }

  as(token: string): DemoClient {
    return new DemoClient(this.baseUrl, token, this.keyPrefix, this.fetch);
  }

  async get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path, undefined, undefined, [200]);
  }

  /** A write, named by `key` (unique within the demo run), expecting one of `statuses`. */
  async write<T>(
    method: 'POST' | 'PUT',
    path: string,
    key: string,
    body?: unknown,
    statuses: readonly number[] = [200, 201],
  ): Promise<T> {
    return this.send<T>(method, path, body, `${this.keyPrefix}:${key}`, statuses);
  }

  /** A write whose refusal the caller handles: the status and body, whatever they are. */
  async attempt(
    method: 'POST' | 'PUT',
    path: string,
    key: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    return this.exchange(method, path, body, `${this.keyPrefix}:${key}`);
  }

  private async send<T>(
    method: string,
    path: string,
    body: unknown,
    idempotencyKey: string | undefined,
    statuses: readonly number[],
  ): Promise<T> {
    const answer = await this.exchange(method, path, body, idempotencyKey);
    if (!statuses.includes(answer.status))
      throw new DemoHttpError(method, path, answer.status, answer.body);
    return answer.body as T;
  }

  private async exchange(
    method: string,
    path: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey) headers[IDEMPOTENCY_KEY_HEADER] = idempotencyKey;
    const response = await this.fetch(
      new Request(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
  }
}

export const idr = (amount: number | bigint) => ({ amount: String(amount), currency: 'IDR' });
