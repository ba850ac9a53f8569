import type { PortOutcome, SavingsPort } from './savings-port';

export interface HttpSavingsOptions {
  /** Where the savings service answers, e.g. `http://savings:8080`. */
  baseUrl: string;
  /** A credential reaching the coops of the payments (a treasurer of their parent, or admin). */
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

class Unavailable extends Error {
  override readonly name = 'SavingsUnavailable';
}

/** Retrying cannot help these: the savings service said no, for good. */
const REFUSALS = new Set([400, 403, 404, 409, 412, 422]);

/**
 * The savings service's hold API over HTTP (`/api/savings/v1`). Each call carries an
 * Idempotency-Key derived from the saga's id, so a call repeated after a crash gets the
 * recorded answer instead of acting twice.
 */
export class HttpSavings implements SavingsPort {
  constructor(private readonly options: HttpSavingsOptions) {}

  private async call(
    path: string,
    key: string,
    body: unknown,
    notFoundIsDone = false,
  ): Promise<PortOutcome> {
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(`${this.options.baseUrl.replace(/\/$/, '')}/api/savings/v1${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new Unavailable(
        `savings service unreachable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (response.ok) return { ok: true };
    const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    const code = problem.code ?? `http-${response.status}`;
    if (code === 'idempotency-key-in-progress' || !REFUSALS.has(response.status)) {
      throw new Unavailable(`savings service answered ${response.status} ${code}`);
    }
    if (notFoundIsDone && response.status === 404) return { ok: true };
    return { ok: false, code, detail: problem.detail ?? `HTTP ${response.status}` };
  }

  private account(coopId: string, accountId: string): string {
    return `/coops/${encodeURIComponent(coopId)}/accounts/${encodeURIComponent(accountId)}`;
  }

  hold(input: Parameters<SavingsPort['hold']>[0]): Promise<PortOutcome> {
    const { holdId, amount, reason, expiresAt } = input;
    return this.call(`${this.account(input.coopId, input.accountId)}/holds`, `${holdId}:hold`, {
      holdId,
      amount,
      reason,
      expiresAt,
    });
  }

  capture(input: Parameters<SavingsPort['capture']>[0]): Promise<PortOutcome> {
    const path = `${this.account(input.coopId, input.accountId)}/holds/${encodeURIComponent(input.holdId)}/capture`;
    return this.call(path, `${input.holdId}:capture`, {
      amount: input.amount,
      via: 'settlement_in_transit',
      reference: input.reference,
    });
  }

  release(input: Parameters<SavingsPort['release']>[0]): Promise<PortOutcome> {
    const path = `${this.account(input.coopId, input.accountId)}/holds/${encodeURIComponent(input.holdId)}/release`;
    return this.call(path, `${input.holdId}:release`, undefined, true);
  }

  credit(input: Parameters<SavingsPort['credit']>[0]): Promise<PortOutcome> {
    const path = `${this.account(input.coopId, input.accountId)}/deposits`;
    return this.call(path, `${input.creditId}:credit`, {
      amount: input.amount,
      via: 'settlement_in_transit',
      reference: input.reference,
    });
  }
}

/** Until a savings service is configured, payments are refused rather than half-made. */
export const NO_SAVINGS: SavingsPort = {
  hold: async () => ({
    ok: false,
    code: 'savings-not-configured',
    detail: 'KOPFED_SAVINGS_URL and KOPFED_SAVINGS_API_KEY are not set',
  }),
  capture: async () => {
    throw new Unavailable('savings service not configured');
  },
  release: async () => ({ ok: true }),
  credit: async () => ({ ok: false, code: 'savings-not-configured', detail: 'not configured' }),
};
