import { randomUUID } from 'node:crypto';
import { sleep } from './node-process';

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * A client that behaves like a careful primary coop's system: every write carries an
 * Idempotency-Key, and a request that got no answer (the node died, the link dropped) or a
 * 5xx/429 is sent again, with the same key, until the node answers it. What it returns is the
 * node's acknowledgement.
 */
export class PatientClient {
  constructor(
    private readonly baseUrl: string,
    readonly token: string,
    private readonly giveUpAfterMs = 120_000,
  ) {}

  async send(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    idempotencyKey: string = randomUUID(),
  ): Promise<Answer> {
    const deadline = Date.now() + this.giveUpAfterMs;
    for (;;) {
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${this.token}`,
            ...(method === 'GET' ? {} : { 'Idempotency-Key': idempotencyKey }),
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        if (response.status < 500 && response.status !== 429) {
          return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
        }
      } catch {
        // No answer: the node is down or restarting. Ask again with the same key.
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer in time`);
      await sleep(50);
    }
  }

  /** Like send, but a refusal is a test failure. */
  async expect(
    status: number,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<unknown> {
    const answer = await this.send(method, path, body, idempotencyKey);
    if (answer.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  }
}
