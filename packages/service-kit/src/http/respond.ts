import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { JsonValue } from '@kopfed/eventstore';
import { mapError } from '../problem/error-mapping';
import { PROBLEM_CONTENT_TYPE, problemResponse, type ProblemFacts } from '../problem/problem';
import type { StoredResponse } from '../idempotency/idempotency-record';
import type { KitRequest } from './kit-request';
import { instanceOf, requestNotes } from './request-context';

/**
 * A response as the kit sends, stores and replays it. `text` is the body's JSON text for an
 * answer that is only sent, never kept for an Idempotency-Key: then `body` is null and nothing
 * parses the text back into a value (asJson does, for answers that are kept).
 */
export interface KitResponse extends StoredResponse {
  text?: string;
}

export function problemAsResponse(
  req: KitRequest,
  res: ServerResponse,
  facts: ProblemFacts,
): KitResponse {
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

/**
 * Maps any error to its problem response; unexpected ones are logged as errors, outages as
 * warnings, both with their stack and cause.
 */
export function errorAsResponse(
  req: KitRequest,
  res: ServerResponse,
  error: unknown,
  context: { hadIfMatch: boolean; logger: Logger },
): KitResponse {
  const mapped = mapError(error, { hadIfMatch: context.hadIfMatch });
  if (mapped.unexpected) {
    const { requestId, route } = requestNotes(req, res);
    context.logger.error({ err: error, requestId, route }, 'request failed');
  } else if (mapped.warning !== undefined) {
    const { requestId, route } = requestNotes(req, res);
    context.logger.warn({ err: error, requestId, route }, `request failed: ${mapped.warning}`);
  }
  return problemAsResponse(req, res, mapped.facts);
}

/** JSON text of bodies made by asJson, so sending one does not stringify it again. */
const JSON_TEXT = new WeakMap<object, string>();
/** `type; charset=utf-8`, as Express's res.send would write it, by media type. */
const WITH_CHARSET = new Map<string, string>();

export function send(res: ServerResponse, response: KitResponse, replayed = false): void {
  res.statusCode = response.status;
  try {
    for (const name in response.headers) res.setHeader(name, response.headers[name] as string);
  } catch (error) {
    // A header that cannot be sent (a line break in a Location): the 500 answered instead
    // carries none of this answer's headers.
    for (const name in response.headers) res.removeHeader(name);
    throw error;
  }
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  const body = response.body;
  if ((body === null && response.text === undefined) || response.status === 204) {
    res.end();
    return;
  }
  const type = res.getHeader('Content-Type') ?? 'application/json';
  const text =
    response.text ??
    (typeof body === 'object' ? JSON_TEXT.get(body!) : undefined) ??
    JSON.stringify(body);
  if (needsExpress(res.req)) {
    res.setHeader('Content-Type', type);
    // Only Express's own requests get here: the API lane leaves HEAD and conditional reads to it.
    (res as Response).send(text);
    return;
  }
  res.setHeader('Content-Type', withCharset(type));
  res.setHeader('Content-Length', Buffer.byteLength(text));
  // One string: Node writes the head and the body in one go.
  res.end(text);
}

/** `type; charset=utf-8`, as Express's res.send writes a JSON text's type; a type with parameters stays as it is. */
function withCharset(type: number | string | string[]): string {
  if (typeof type !== 'string') return String(type);
  if (type.includes(';')) return type;
  let typed = WITH_CHARSET.get(type);
  if (typed === undefined) {
    typed = `${type.toLowerCase()}; charset=utf-8`;
    if (WITH_CHARSET.size < 16) WITH_CHARSET.set(type, typed);
  }
  return typed;
}

/**
 * HEAD (no body) and conditional reads (a 304 when fresh) take Express's res.send, which
 * handles both; every other answer is written directly, with the same headers.
 */
function needsExpress(req: IncomingMessage): boolean {
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
