import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { JsonValue } from '@kopfed/eventstore';
import { mapError } from '../problem/error-mapping';
import { PROBLEM_CONTENT_TYPE, problemResponse, type ProblemFacts } from '../problem/problem';
import type { StoredResponse } from '../idempotency/idempotency-record';
import { instanceOf, requestNotes } from './request-context';

/** A response as the kit sends, stores and replays it. */
export type KitResponse = StoredResponse;

export function problemAsResponse(req: Request, res: Response, facts: ProblemFacts): KitResponse {
  const problem = problemResponse(facts, {
    instance: instanceOf(req),
    requestId: requestNotes(req, res).requestId,
  });
  return {
    status: problem.status,
    body: problem.body as unknown as JsonValue,
    headers: { ...problem.headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
  };
}

/** Maps any error to its problem response; unexpected ones are logged with their stack. */
export function errorAsResponse(
  req: Request,
  res: Response,
  error: unknown,
  context: { hadIfMatch: boolean; logger: Logger },
): KitResponse {
  const mapped = mapError(error, { hadIfMatch: context.hadIfMatch });
  if (mapped.unexpected) {
    const { requestId, route } = requestNotes(req, res);
    context.logger.error({ err: error, requestId, route }, 'request failed');
  }
  return problemAsResponse(req, res, mapped.facts);
}

export function send(res: Response, response: KitResponse, replayed = false): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  if (response.body === null || response.status === 204) {
    res.end();
    return;
  }
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json');
  res.send(JSON.stringify(response.body));
}

/** The body as JSON text would carry it (undefined members dropped), or null for none. */
export function asJson(body: unknown): JsonValue | null {
  if (body === undefined) return null;
  return JSON.parse(JSON.stringify(body)) as JsonValue;
}
