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

/** JSON text of bodies made by asJson, so sending one does not stringify it again. */
const JSON_TEXT = new WeakMap<object, string>();
/** `type; charset=utf-8`, as Express's res.send would write it, by media type. */
const WITH_CHARSET = new Map<string, string>();

export function send(res: Response, response: KitResponse, replayed = false): void {
  res.statusCode = response.status;
  for (const name in response.headers) res.setHeader(name, response.headers[name] as string);
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  if (response.body === null || response.status === 204) {
    res.end();
    return;
  }
  const type = res.getHeader('Content-Type') ?? 'application/json';
  const body = response.body;
  const text = (typeof body === 'object' ? JSON_TEXT.get(body) : undefined) ?? JSON.stringify(body);
  if (typeof type !== 'string' || type.includes(';') || needsExpress(res.req)) {
    res.setHeader('Content-Type', type);
    res.send(text);
    return;
  }
  let withCharset = WITH_CHARSET.get(type);
  if (withCharset === undefined) {
    withCharset = `${type.toLowerCase()}; charset=utf-8`;
    if (WITH_CHARSET.size < 16) WITH_CHARSET.set(type, withCharset);
  }
  res.setHeader('Content-Type', withCharset);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  // One string: Node writes the head and the body in one go.
  res.end(text);
}

/**
 * HEAD (no body) and conditional reads (a 304 when fresh) take Express's res.send, which
 * handles both; every other answer is written directly, with the same headers.
 */
function needsExpress(req: Request): boolean {
  if (req.method === 'HEAD') return true;
  return (
    req.method === 'GET' &&
    (req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined)
  );
}

/** The body as JSON text would carry it (undefined members dropped), or null for none. */
export function asJson(body: unknown): JsonValue | null {
  if (body === undefined) return null;
  const text = JSON.stringify(body);
  const json = JSON.parse(text) as JsonValue;
  if (typeof json === 'object' && json !== null) JSON_TEXT.set(json, text);
  return json;
}
